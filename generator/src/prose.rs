//! Spec prose made safe to embed in rustdoc, without changing what a reader sees.
//!
//! Descriptions are Markdown written by people, and rustdoc compiles every Rust code block in a doc comment as a
//! doctest: a fenced block without a language (or marked `rust`), and any block indented by four spaces. A spec
//! quoting a snippet must not make the generated crate's tests fail, so such blocks are marked `text`: rendered the
//! same, never compiled. Everything else (backticks, `*/`, quotes, HTML) is already harmless inside `#[doc = "..."]`.

/// Info strings rustdoc treats as Rust (and so compiles).
fn is_rust_fence(info: &str) -> bool {
    let first = info.split([',', ' ']).next().unwrap_or("");
    matches!(
        first,
        "" | "rust"
            | "no_run"
            | "should_panic"
            | "ignore"
            | "compile_fail"
            | "edition2015"
            | "edition2018"
            | "edition2021"
            | "edition2024"
    )
}

/// Marks the code blocks of `text` as `text` so rustdoc shows them without compiling them.
pub fn doc_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut fence: Option<String> = None;
    let mut indented = false;
    let mut previous_blank = true;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        match &fence {
            Some(marker) => {
                if trimmed.starts_with(marker.as_str())
                    && trimmed
                        .trim_start_matches(marker.chars().next().unwrap_or('`'))
                        .trim()
                        .is_empty()
                {
                    fence = None;
                }
                out.push_str(line);
            }
            None if indent < 4 && (trimmed.starts_with("```") || trimmed.starts_with("~~~")) => {
                if indented {
                    out.push_str("```\n");
                    indented = false;
                }
                let ch = trimmed.chars().next().unwrap_or('`');
                let marker: String = trimmed.chars().take_while(|c| *c == ch).collect();
                let info = trimmed[marker.len()..].trim();
                if is_rust_fence(info) {
                    out.push_str(&line[..indent]);
                    out.push_str(&marker);
                    out.push_str("text");
                } else {
                    out.push_str(line);
                }
                fence = Some(marker);
            }
            None if indent >= 4 && !trimmed.is_empty() && (previous_blank || indented) => {
                // An indented code block: fence it explicitly so it is shown as written and never compiled.
                if !indented {
                    out.push_str("```text\n");
                    indented = true;
                }
                out.push_str(&line[4..]);
            }
            None => {
                if indented && !trimmed.is_empty() {
                    out.push_str("```\n");
                    indented = false;
                }
                out.push_str(&escape_brackets(line));
            }
        }
        previous_blank = trimmed.is_empty();
        out.push('\n');
    }
    if indented {
        out.push_str("```\n");
    }
    if fence.is_some() {
        // An unclosed fence would swallow everything rustdoc appends after it.
        out.push_str("```\n");
    }
    let keep_newline = text.ends_with('\n');
    if !keep_newline {
        out.pop();
    }
    out
}

/// Escapes `[text]` that is not a Markdown link, outside inline code: rustdoc would read it as a link to a Rust
/// item (`[NotAType]`) and warn that it does not resolve. `[text](url)`, `[text][ref]` and `[ref]: url` stay links.
fn escape_brackets(line: &str) -> String {
    if line.trim_start().starts_with('[') && line.contains("]:") {
        return line.to_owned();
    }
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + 4);
    let mut in_code = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            in_code = !in_code;
            out.push(c);
        } else if c == '[' && !in_code && (i == 0 || chars[i - 1] != '\\') {
            let close = chars[i + 1..]
                .iter()
                .position(|&x| x == ']')
                .map(|p| i + 1 + p);
            match close {
                Some(end) if matches!(chars.get(end + 1), Some('(') | Some('[')) => out.push(c),
                Some(end) => {
                    out.push_str("\\[");
                    out.extend(&chars[i + 1..end]);
                    out.push_str("\\]");
                    i = end;
                }
                None => out.push(c),
            }
        } else {
            out.push(c);
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::doc_safe;

    #[test]
    fn rust_fences_become_text() {
        assert_eq!(
            doc_safe("a\n```\nfn x() {}\n```\nb"),
            "a\n```text\nfn x() {}\n```\nb"
        );
        assert_eq!(
            doc_safe("```rust\ncompile_error!(\"x\");\n```"),
            "```text\ncompile_error!(\"x\");\n```"
        );
        assert_eq!(doc_safe("```json\n{}\n```"), "```json\n{}\n```");
    }

    #[test]
    fn indented_blocks_are_fenced_and_unclosed_fences_closed() {
        // A blank line may continue an indented block, so the fence closes at the first unindented line.
        assert_eq!(
            doc_safe("para\n\n    let x = 1;\n    x\n\nafter"),
            "para\n\n```text\nlet x = 1;\nx\n\n```\nafter"
        );
        assert_eq!(doc_safe("```\nopen"), "```text\nopen\n```");
    }

    #[test]
    fn brackets_that_are_not_links_are_escaped() {
        assert_eq!(
            doc_safe("[broken] [`NotAType`] [ok](https://x) `[code]`"),
            "\\[broken\\] \\[`NotAType`\\] [ok](https://x) `[code]`"
        );
        assert_eq!(doc_safe("[ref]: https://x"), "[ref]: https://x");
    }

    #[test]
    fn other_prose_is_untouched() {
        let text = "*/ \"quotes\" \\ `tick` <b>html</b> `#[attr]`\n- list\n  continued";
        assert_eq!(doc_safe(text), text);
    }
}
