//! Text normalisation shared by the field rules.

/// Chinese input methods in full-width mode produce "１２３ＡＢＣ" and the ideographic space;
/// people do not see the difference, so the rules accept both and store the ASCII form.
pub(crate) fn half_width_char(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

pub(crate) fn half_width(s: &str) -> String {
    s.chars().map(half_width_char).collect()
}

/// Trimmed after width normalisation, so an ideographic space at either end is removed too.
pub(crate) fn normalised(s: &str) -> String {
    half_width(s).trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_becomes_ascii() {
        assert_eq!(
            normalised("\u{3000}１２３ＡＢｃ（７）\u{3000}"),
            "123ABc(7)"
        );
        assert_eq!(half_width("中文·"), "中文·");
    }
}
