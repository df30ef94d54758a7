//! Diagnostics: what is wrong in a spec, where (file:line:col), and how to fix it.
//!
//! Every stage before emit returns diagnostics as values; nothing prints until the outermost layer calls
//! [`render`]. Rendering uses annotate-snippets, which draws the source line and a caret like rustc does.

use annotate_snippets::{Level, Renderer, Snippet};
use std::fmt::Write as _;

/// A position in the spec source: byte offset and length, plus the 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub offset: usize,
    pub len: usize,
    pub line: usize,
    pub col: usize,
}

/// Replaces every `\r` not followed by `\n` with `\n`. Byte offsets are unchanged.
pub fn normalize_line_breaks(source: &str) -> String {
    let bytes = source.as_bytes();
    source
        .char_indices()
        .map(|(i, c)| {
            if c == '\r' && bytes.get(i + 1) != Some(&b'\n') {
                '\n'
            } else {
                c
            }
        })
        .collect()
}

/// One problem in a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub span: Span,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            span,
            message: message.into(),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// Renders diagnostics as rustc-style text: `error: ...`, `--> file:line:col`, the source line, a caret, a hint.
/// `color` adds ANSI colours (the caller decides: a terminal, and `NO_COLOR` unset).
pub fn render(diagnostics: &[Diagnostic], path: &str, source: &str, color: bool) -> String {
    // Show the text as the parser read it (lone CRs are line breaks), with other control characters as `?`: the
    // renderer measures columns by character width, and invisible characters would skew its arithmetic. Both
    // replacements keep every byte offset.
    let display: String = normalize_line_breaks(source)
        .chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                '?'
            } else {
                c
            }
        })
        .collect();
    let source = display.as_str();
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for d in diagnostics {
        // annotate-snippets wants a byte range inside the source; an empty span still deserves one caret.
        let mut start = d.span.offset.min(source.len());
        while !source.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + d.span.len.max(1)).min(source.len());
        while end < source.len() && !source.is_char_boundary(end) {
            end += 1;
        }
        let mut message = Level::Error.title(&d.message);
        if source.is_empty() {
            // An empty file has no line to draw; say where anyway.
            let _ = writeln!(
                out,
                "{}\n  --> {path}:{}:{}",
                renderer.render(message),
                d.span.line,
                d.span.col
            );
            if let Some(hint) = &d.hint {
                let _ = writeln!(out, "  = help: {hint}");
            }
        } else {
            message = message.snippet(
                Snippet::source(source)
                    .origin(path)
                    .fold(true)
                    .annotation(Level::Error.span(start..end)),
            );
            if let Some(hint) = &d.hint {
                message = message.footer(Level::Help.title(hint));
            }
            let _ = writeln!(out, "{}", renderer.render(message));
        }
        out.push('\n');
    }
    let n = diagnostics.len();
    let _ = writeln!(
        out,
        "error: {path}: {n} problem{} found; nothing was written",
        if n == 1 { "" } else { "s" }
    );
    out
}

/// The closest candidate to `word` by edit distance, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word_lower = word.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (levenshtein(&word_lower, &c.to_ascii_lowercase()), c))
        .filter(|(d, c)| *d <= c.len().max(word.len()).div_ceil(3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Edit distance where swapping two neighbours counts as one edit (optimal string alignment), since swapped
/// letters are the commonest typo (`titel`).
fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_words_only() {
        assert_eq!(
            did_you_mean("sumary", ["summary", "description"]),
            Some("summary")
        );
        assert_eq!(
            did_you_mean("nullabel", ["nullable", "optional"]),
            Some("nullable")
        );
        assert_eq!(did_you_mean("zzz", ["summary", "description"]), None);
    }

    #[test]
    fn renders_file_line_col_source_and_hint() {
        let src = "api:\n  titel: x\n";
        let d = Diagnostic::error(
            Span {
                offset: 7,
                len: 5,
                line: 2,
                col: 3,
            },
            "unknown key `titel`",
        )
        .with_hint("did you mean `title`?");
        let text = render(&[d], "spec.yaml", src, false);
        assert!(text.contains("error: unknown key `titel`"), "{text}");
        assert!(text.contains("--> spec.yaml:2:3"), "{text}");
        assert!(text.contains("  titel: x"), "{text}");
        assert!(text.contains("help: did you mean `title`?"), "{text}");
        assert!(
            text.contains("1 problem found; nothing was written"),
            "{text}"
        );
    }
}
