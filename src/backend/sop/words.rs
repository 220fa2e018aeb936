//! Lists in words: "a, b and c", "steps 1, 2 and 4 to 6".

/// "a", "a and b", "a, b and c" (`last` instead of "and": "or").
pub(crate) fn join<S: AsRef<str>>(items: &[S], last: &str) -> String {
    let mut out = String::new();
    for (k, item) in items.iter().enumerate() {
        if k > 0 {
            out.push_str(if k + 1 == items.len() { last } else { ", " });
        }
        out.push_str(item.as_ref());
    }
    out
}

/// Numbers in any order (sorted and made unique here) with runs of three or
/// more as ranges: "1, 4 to 6 and 9".
pub(crate) fn number_ranges(numbers: &[usize]) -> String {
    let mut numbers = numbers.to_vec();
    numbers.sort_unstable();
    numbers.dedup();
    let mut parts = Vec::new();
    let mut k = 0;
    while k < numbers.len() {
        let mut end = k;
        while end + 1 < numbers.len() && numbers[end + 1] == numbers[end] + 1 {
            end += 1;
        }
        if end >= k + 2 {
            parts.push(format!("{} to {}", numbers[k], numbers[end]));
        } else {
            parts.extend(numbers[k..=end].iter().map(ToString::to_string));
        }
        k = end + 1;
    }
    join(&parts, " and ")
}

/// "step 2", "steps 4 to 6 and 9".
pub(crate) fn steps(numbers: &[usize]) -> String {
    let mut unique = numbers.to_vec();
    unique.sort_unstable();
    unique.dedup();
    format!(
        "{} {}",
        if unique.len() == 1 { "step" } else { "steps" },
        number_ranges(&unique)
    )
}

#[cfg(test)]
mod tests {
    use super::{join, number_ranges, steps};

    #[test]
    fn lists_in_words() {
        assert_eq!(join::<&str>(&[], " and "), "");
        assert_eq!(join(&["a"], " and "), "a");
        assert_eq!(join(&["a", "b"], " or "), "a or b");
        assert_eq!(join(&["a", "b", "c"], " and "), "a, b and c");
    }

    #[test]
    fn runs_of_three_or_more_are_ranges() {
        assert_eq!(number_ranges(&[9, 1, 4, 5, 6]), "1, 4 to 6 and 9");
        assert_eq!(number_ranges(&[1, 2]), "1 and 2");
        assert_eq!(number_ranges(&[3, 3]), "3");
        assert_eq!(steps(&[2]), "step 2");
        assert_eq!(steps(&[1, 2, 4, 5, 6]), "steps 1, 2 and 4 to 6");
    }
}
