//! The words case workers use (../shared/domain/practice.md, "Words"): 記録データ, パスワード,
//! 照合番号, 連携ファイル, 出力, 検討ケース, 座長, 緊急度, 支援プラン, 進行管理台帳, 内容の食い違い,
//! 援助拒否 — never the IT words they replaced. This scans the Japanese text people read: every
//! string in the printed documents (src/report), the CLI
//! (crates/kasane-cli) and the desktop commands (src-tauri/src), and elsewhere (src, crates/kasane-ja,
//! crates/kasane-store, crates/kasane-demo) every `ja:` message, every `*_ja` label and function
//! (each error's `message_ja` among them), and every Japanese choice label (`"code" / "ラベル"`). Comments
//! and `en:` messages are not scanned.

use std::path::Path;

use crate::support::rust_files;

/// (word, what to write instead).
const FORBIDDEN: &[(&str, &str)] = &[
    ("保管庫", "記録データ（ケース記録）"),
    ("パスフレーズ", "パスワード（長めの文）"),
    ("回復コード", "復旧用コード"),
    ("メンバーカード", "機関確認ファイル"),
    ("名刺", "機関確認ファイル"),
    ("フィンガープリント", "照合番号"),
    ("指紋", "照合番号"),
    ("バンドル", "連携ファイル"),
    ("記録の束", "連携ファイル"),
    ("会議パック", "機関別会議資料ファイル"),
    ("競合", "内容の食い違い"),
    ("アーカイブ", "一覧から外す（記録は保存）"),
    ("書き出", "出力する"),
    ("会議モード", "会議中の記録"),
    ("支援計画", "支援プラン"),
    ("リスク", "緊急度"),
    ("司会", "座長（進行）"),
    ("接触を望まない", "関わり・連絡を拒否（援助拒否）"),
    ("連絡を望まない", "関わり・連絡を拒否（援助拒否）"),
    ("議題", "検討ケース"),
    // 台帳 alone; 進行管理台帳 is the word in use.
    ("台帳", "進行管理台帳"),
];

const WHY: &str = "these are IT words a municipal case worker does not use";

/// The forbidden words in one piece of Japanese text.
fn forbidden_in(text: &str) -> Vec<(&'static str, &'static str)> {
    FORBIDDEN
        .iter()
        .copied()
        .filter(|(word, _)| {
            text.match_indices(word)
                .any(|(at, _)| *word != "台帳" || !text[..at].ends_with("進行管理"))
        })
        .collect()
}

/// A string literal of a Rust source file, with the line it starts on and whether it is text
/// people read in Japanese there.
struct Literal {
    line: usize,
    text: String,
    japanese: bool,
}

/// The string literals of a Rust file (comments skipped). With `whole`, every literal except an
/// `en:` message counts; otherwise only `ja:` messages (and `label_ja:` fields), literals inside a
/// `fn …_ja` body, and choice labels after `"code" /`.
fn literals(source: &str, whole: bool) -> Vec<Literal> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line, mut depth) = (0, 1, 0usize);
    // Recent code outside strings and comments, for the context of the next literal.
    let mut code = String::new();
    // The depth at which the body of a `fn …_ja` opened, and whether one is about to open.
    let (mut ja_fn_depth, mut ja_fn_pending): (Option<usize>, bool) = (None, false);
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '/' && next == Some('*') {
            let mut nest = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    nest += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    nest -= 1;
                    i += 2;
                    if nest == 0 {
                        break;
                    }
                } else {
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
            continue;
        }
        // Raw strings r"…", r#"…"# (and byte strings b"…", br"…").
        let prev_ident = i > 0 && ident(chars[i - 1]);
        let raw_start = if !prev_ident && (c == 'r' || (c == 'b' && next == Some('r'))) {
            let mut j = i + if c == 'b' { 2 } else { 1 };
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            (chars.get(j) == Some(&'"')).then_some((j + 1, hashes))
        } else {
            None
        };
        let plain_start = (c == '"')
            .then_some((i + 1, usize::MAX))
            .or_else(|| (c == 'b' && !prev_ident && next == Some('"')).then_some((i + 2, usize::MAX)));
        if let Some((start, hashes)) = raw_start.or(plain_start) {
            let raw = hashes != usize::MAX;
            let (first_line, mut j, mut text) = (line, start, String::new());
            while j < chars.len() {
                let d = chars[j];
                if !raw && d == '\\' {
                    if let Some(&e) = chars.get(j + 1) {
                        if e == '\n' {
                            line += 1;
                        }
                        text.push(d);
                        text.push(e);
                    }
                    j += 2;
                    continue;
                }
                if d == '"' && (!raw || (0..hashes).all(|h| chars.get(j + 1 + h) == Some(&'#'))) {
                    j += 1 + if raw { hashes } else { 0 };
                    break;
                }
                if d == '\n' {
                    line += 1;
                }
                text.push(d);
                j += 1;
            }
            let before = code.trim_end();
            let english = before.ends_with("en:");
            let japanese =
                !english && (whole || before.ends_with("ja:") || before.ends_with('/') || ja_fn_depth.is_some());
            out.push(Literal {
                line: first_line,
                text,
                japanese,
            });
            code.push_str(" \"\" ");
            i = j;
            continue;
        }
        // Char literals ('"', '{', '\n'); anything else after ' is a lifetime.
        if c == '\'' {
            if next == Some('\\') {
                if let Some(end) = (i + 2..chars.len().min(i + 12)).find(|&k| chars[k] == '\'') {
                    i = end + 1;
                    continue;
                }
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
                continue;
            }
        }
        match c {
            '\n' => line += 1,
            '{' => {
                if ja_fn_pending {
                    ja_fn_depth = Some(depth);
                    ja_fn_pending = false;
                }
                depth += 1;
            }
            '}' => {
                depth = depth.saturating_sub(1);
                if ja_fn_depth == Some(depth) {
                    ja_fn_depth = None;
                }
            }
            '(' => {
                // `fn name_ja(` opens a Japanese label function.
                let head = code.trim_end();
                let name = head.rsplit(|ch: char| !ident(ch)).next().unwrap_or("");
                if name.ends_with("_ja") && head[..head.len() - name.len()].trim_end().ends_with("fn") {
                    ja_fn_pending = true;
                }
            }
            ';' => ja_fn_pending = false,
            _ => {}
        }
        code.push(c);
        if code.len() > 200 {
            let cut = code.char_indices().nth(100).map_or(0, |(k, _)| k);
            code.drain(..cut);
        }
        i += 1;
    }
    out
}

/// Every forbidden word in the Japanese text of one file, as "file:line: 「word」 …".
fn scan(root: &Path, file: &Path, whole: bool) -> Vec<String> {
    let source = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("reading {}: {e}", file.display()));
    let name = file.strip_prefix(root).unwrap_or(file).display().to_string();
    let mut found = Vec::new();
    for l in literals(&source, whole).into_iter().filter(|l| l.japanese) {
        for (word, instead) in forbidden_in(&l.text) {
            found.push(format!(
                "{name}:{}: 「{word}」 in \"{}\" — write 「{instead}」",
                l.line, l.text
            ));
        }
    }
    found
}

#[test]
fn the_check_finds_words_in_japanese_text_only() {
    let src = r#"
        // 保管庫 in a comment is not text
        fn label_ja(&self) -> &'static str { match self { A => "リスク", B => "x" } }
        fn other() -> &'static str { "バンドル" }
        let m = msg!(ja: "競合しています", en: "競合 in English");
        choice!(S, "s", { A = "a" / "司会" });
        let c = '"'; let l: &'static str = "進行管理台帳";
    "#;
    let found: Vec<String> = literals(src, false)
        .into_iter()
        .filter(|l| l.japanese)
        .flat_map(|l| {
            forbidden_in(&l.text)
                .into_iter()
                .map(|(w, _)| w.to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(
        found,
        ["リスク", "競合", "司会"],
        "label function, ja: message and choice label; not en:, not other code"
    );
    let whole: Vec<&str> = literals(src, true)
        .iter()
        .filter(|l| l.japanese)
        .flat_map(|l| forbidden_in(&l.text).into_iter().map(|(w, _)| w))
        .collect();
    assert_eq!(
        whole,
        ["リスク", "バンドル", "競合", "司会"],
        "every literal of a whole file but the en: one"
    );
    assert!(forbidden_in("台帳を開く").iter().any(|(w, _)| *w == "台帳"));
    assert!(forbidden_in("進行管理台帳を開く").is_empty());
}

#[test]
fn japanese_text_uses_the_words_case_workers_use() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let whole_dirs = [
        root.join("src/report"),
        root.join("crates/kasane-cli/src"),
        root.join("src-tauri/src"),
    ];
    let mut whole = Vec::new();
    for d in &whole_dirs {
        rust_files(d, &mut whole);
    }
    let mut rest = Vec::new();
    for d in [
        "src",
        "crates/kasane-ja/src",
        "crates/kasane-store/src",
        "crates/kasane-demo/src",
    ] {
        rust_files(&root.join(d), &mut rest);
    }
    rest.retain(|f| !whole.contains(f));
    assert!(
        whole.len() > 10 && rest.len() > 20,
        "the sources are where this test expects them"
    );
    let seen = |file: &str, text: &str| {
        let source = std::fs::read_to_string(root.join(file)).expect(file);
        literals(&source, false)
            .iter()
            .any(|l| l.japanese && l.text.contains(text))
    };
    assert!(
        seen("src/meeting/propose.rs", "期限超過の支援内容")
            && seen("src/record/share.rs", "本人同意（同意記録）")
            && seen("crates/kasane-store/src/error.rs", "パスワードが違います")
            && seen("src/record/plan.rs", "未実施（担当機関側）")
            && seen("src/conflict.rs", "内容の食い違い"),
        "the scan reaches label_ja fields, _ja functions, choice labels and ja: messages"
    );
    let found: Vec<String> = whole
        .iter()
        .map(|f| (f, true))
        .chain(rest.iter().map(|f| (f, false)))
        .flat_map(|(f, all)| scan(root, f, all))
        .collect();
    assert!(
        found.is_empty(),
        "{} Japanese text(s) use a word case workers do not use ({WHY}):\n{}",
        found.len(),
        found.join("\n")
    );
}
