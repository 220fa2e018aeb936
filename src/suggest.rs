//! "Did you mean" suggestions.
//!
//! A file can hold thousands of unknown names, each compared with every name
//! that could have been meant, so the work per name is bounded: candidates
//! that cannot reach the threshold are skipped by a cheap bound before
//! Jaro-Winkler runs, and a word with more than [`MAX_CANDIDATES`] candidates
//! gets no suggestion (the help then lists names instead). Callers cache the
//! answer per distinct word where one file may ask many times.

/// The most candidates one word is compared with.
pub const MAX_CANDIDATES: usize = 1000;

/// Jaro-Winkler similarity a candidate needs.
const THRESHOLD: f64 = 0.8;

/// Rounding slack for comparing an upper bound with a computed score.
const SLACK: f64 = 1e-9;

/// The candidate nearest to `word`, if it is near enough to be a likely typo.
///
/// Uses Jaro-Winkler similarity with a threshold of 0.8 (as rustc and cargo do
/// for their suggestions); ties go to the first candidate. `None` when there
/// are more than [`MAX_CANDIDATES`] candidates.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    nearest(word, candidates).map(|s| s.word)
}

/// A "did you mean": the nearest candidate, and whether it is the only one
/// near enough (then replacing the word with it is a safe fix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Suggestion<'a> {
    /// The candidate nearest to the word.
    pub word: &'a str,
    /// Whether no other distinct candidate reaches the threshold.
    pub only: bool,
}

/// As [`did_you_mean`], and whether the answer is the only candidate near
/// enough.
pub fn nearest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<Suggestion<'a>> {
    let candidates: Vec<&str> = candidates.into_iter().take(MAX_CANDIDATES + 1).collect();
    if candidates.len() > MAX_CANDIDATES {
        return None;
    }
    let word_chars: Vec<char> = word.chars().collect();
    let histogram = Histogram::of(&word_chars);
    let mut best: Option<(f64, &str)> = None;
    // Whether a second distinct candidate reached the threshold: until then
    // every candidate that may reach it is scored; after, only those that
    // may beat the best.
    let mut another = false;
    for c in candidates {
        if c == word {
            continue;
        }
        let bound = upper_bound(&word_chars, &histogram, c) + SLACK;
        if bound < THRESHOLD || (another && best.is_some_and(|(b, _)| bound <= b)) {
            continue;
        }
        let score = strsim::jaro_winkler(word, c);
        if score < THRESHOLD {
            continue;
        }
        if best.is_some_and(|(_, w)| w != c) {
            another = true;
        }
        if best.is_none_or(|(b, _)| score > b) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| Suggestion {
        word: c,
        only: !another,
    })
}

/// Counts of the ASCII characters of a word, and how many others it has.
struct Histogram {
    ascii: [u16; 128],
    other: usize,
}

impl Histogram {
    fn of(chars: &[char]) -> Histogram {
        let mut h = Histogram {
            ascii: [0; 128],
            other: 0,
        };
        for &c in chars {
            match usize::try_from(u32::from(c)) {
                Ok(i) if i < 128 => h.ascii[i] = h.ascii[i].saturating_add(1),
                _ => h.other += 1,
            }
        }
        h
    }
}

/// An upper bound of `strsim::jaro_winkler(word, c)`, cheaper than computing
/// it: Jaro's matching characters are at most the characters the two words
/// share (as multisets), transpositions at least none, and Winkler's bonus at
/// most the common prefix's.
fn upper_bound(word: &[char], histogram: &Histogram, c: &str) -> f64 {
    let mut shared = 0usize;
    let mut counts = histogram.ascii;
    let mut others = histogram.other;
    let mut len = 0usize;
    for ch in c.chars() {
        len += 1;
        match usize::try_from(u32::from(ch)) {
            Ok(i) if i < 128 => {
                if counts[i] > 0 {
                    counts[i] -= 1;
                    shared += 1;
                }
            }
            _ => {
                if others > 0 {
                    others -= 1;
                    shared += 1;
                }
            }
        }
    }
    if shared == 0 || word.is_empty() || len == 0 {
        // Jaro is 0 with no shared character; 1 for two empty words (not
        // compared: equal words are skipped).
        return if word.is_empty() && len == 0 {
            1.0
        } else {
            0.0
        };
    }
    #[allow(clippy::cast_precision_loss)] // names are far shorter than 2^52
    let (m, a, b) = (shared as f64, word.len() as f64, len as f64);
    let jaro = (m / a + m / b + 1.0) / 3.0;
    if jaro <= 0.7 {
        return jaro;
    }
    let prefix = word
        .iter()
        .take(4)
        .zip(c.chars())
        .take_while(|(x, y)| *x == y)
        .count();
    #[allow(clippy::cast_precision_loss)]
    let bonus = 0.1 * prefix as f64;
    jaro + bonus * (1.0 - jaro)
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
    use super::{Histogram, MAX_CANDIDATES, did_you_mean, nearest, upper_bound};

    #[test]
    fn says_whether_the_suggestion_is_the_only_one() {
        let only = nearest("foundr", ["founder", "ops"]).unwrap();
        assert_eq!((only.word, only.only), ("founder", true));
        let two = nearest("sale", ["sales", "sald", "ops"]).unwrap();
        assert_eq!((two.word, two.only), ("sales", false));
        // A name listed twice is one candidate.
        let same = nearest("foundr", ["founder", "founder"]).unwrap();
        assert!(same.only);
        assert_eq!(nearest("xyz", ["founder"]), None);
    }

    #[test]
    fn suggests_near_words_only() {
        assert_eq!(
            did_you_mean("implemnts", ["owner", "implements"]),
            Some("implements")
        );
        assert_eq!(did_you_mean("foundr", ["founder", "ops"]), Some("founder"));
        assert_eq!(did_you_mean("xyz", ["founder", "ops"]), None);
    }

    /// The same answer as comparing every candidate with Jaro-Winkler.
    fn exhaustive<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
        let mut best: Option<(f64, &str)> = None;
        for &c in candidates {
            let score = strsim::jaro_winkler(word, c);
            if c != word && score >= 0.8 && best.is_none_or(|(b, _)| score > b) {
                best = Some((score, c));
            }
        }
        best.map(|(_, c)| c)
    }

    #[test]
    fn the_bound_never_changes_the_answer() {
        let names = [
            "founder",
            "founders",
            "ops",
            "sales",
            "sale",
            "salesperson",
            "support",
            "suport",
            "role_name_1",
            "role_name_12",
            "rolename1x",
            "rôle",
            "rôles",
            "café",
            "cafe",
            "a",
            "ab",
            "ba",
            "",
            "implements",
            "implement",
            "😀x",
            "x😀",
            "ownr",
            "owner",
            "owners",
            "needs",
            "need",
            "produces",
        ];
        for word in names
            .iter()
            .chain(&["rolename12x", "salse", "supprot", "ownre", "é"])
        {
            assert_eq!(
                did_you_mean(word, names),
                exhaustive(word, &names),
                "{word}"
            );
            let chars: Vec<char> = word.chars().collect();
            let h = Histogram::of(&chars);
            for c in names {
                assert!(
                    upper_bound(&chars, &h, c) + 1e-9 >= strsim::jaro_winkler(word, c),
                    "{word} {c}"
                );
            }
        }
    }

    #[test]
    fn too_many_candidates_give_no_suggestion() {
        let many: Vec<String> = (0..=MAX_CANDIDATES).map(|i| format!("role{i}")).collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(did_you_mean("role1x", refs.iter().copied()), None);
        assert_eq!(
            did_you_mean("role1x", refs[..MAX_CANDIDATES].iter().copied()),
            exhaustive("role1x", &refs[..MAX_CANDIDATES])
        );
    }
}
