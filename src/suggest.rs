//! "Did you mean" suggestions.

/// The candidate nearest to `word`, if it is near enough to be a likely typo.
///
/// Uses Jaro-Winkler similarity with a threshold of 0.8 (as rustc and cargo do
/// for their suggestions); ties go to the first candidate.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        if c == word {
            continue;
        }
        let score = strsim::jaro_winkler(word, c);
        if score >= 0.8 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// A short list of names for help texts: at most eight, then "…".
pub fn list<S: AsRef<str>>(names: &[S]) -> String {
    const MAX: usize = 8;
    let mut out: Vec<&str> = names.iter().take(MAX).map(AsRef::as_ref).collect();
    if names.len() > MAX {
        out.push("…");
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggests_near_words_only() {
        assert_eq!(
            did_you_mean("implemnts", ["owner", "implements"]),
            Some("implements")
        );
        assert_eq!(did_you_mean("foundr", ["founder", "ops"]), Some("founder"));
        assert_eq!(did_you_mean("xyz", ["founder", "ops"]), None);
    }
}
