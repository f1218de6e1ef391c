//! The printed page: A4, Japanese type, 取扱注意 on every page, each copy numbered 配布資料
//! No. n/N so handouts can be collected after the meeting. A table's header and footer repeat on
//! every printed page in both WebKit and Chromium, which is what carries the marks.

use std::fmt::Write;

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Multi-line text as paragraphs.
pub fn paragraphs(s: &str) -> String {
    s.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| format!("<p>{}</p>", esc(l)))
        .collect()
}

/// The page margins in millimetres (top, right, bottom, left): the style's `@page` rule, and what
/// a print engine that ignores `@page` margins (WebKitGTK printing to a PDF file) is told.
pub const PAGE_MARGINS_MM: [f64; 4] = [12.0, 13.0, 14.0, 13.0];

const STYLE: &str = r#"
@page { size: A4; margin: 12mm 13mm 14mm 13mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; font-family: "Noto Sans CJK JP", "Noto Sans JP", "Hiragino Kaku Gothic ProN", "Yu Gothic", "Meiryo", sans-serif;
       font-size: 10pt; line-height: 1.55; color: #111; font-feature-settings: "palt" 0; }
table.copy { width: 100%; border-collapse: collapse; break-after: page; }
table.copy:last-of-type { break-after: auto; }
table.copy > thead td, table.copy > tfoot td { padding: 0; }
.runhead { display: flex; align-items: center; justify-content: space-between; gap: 8pt;
           border-bottom: 1.2pt solid #111; padding: 0 0 3pt; margin-bottom: 6pt; font-size: 9pt; }
.mark { border: 1.5pt solid #b00020; color: #b00020; font-weight: 700; padding: 1pt 6pt; letter-spacing: 0.15em; }
.copyno { font-weight: 700; white-space: nowrap; }
.runfoot { border-top: 0.6pt solid #777; margin-top: 6pt; padding-top: 3pt; font-size: 7.5pt; color: #333; display: flex; justify-content: space-between; gap: 8pt; }
table.copy > tbody > tr > td { padding: 0 0 6pt; vertical-align: top; }
h1 { font-size: 15pt; margin: 2pt 0 6pt; letter-spacing: 0.05em; }
h2 { font-size: 11.5pt; margin: 10pt 0 4pt; padding-left: 5pt; border-left: 3pt solid #333; }
h3 { font-size: 10.5pt; margin: 8pt 0 3pt; }
p { margin: 0 0 3pt; }
table.grid { width: 100%; border-collapse: collapse; margin: 2pt 0 4pt; }
.grid th, .grid td { border: 0.5pt solid #666; padding: 2pt 4pt; vertical-align: top; text-align: left; }
.grid th { background: #eee; font-weight: 700; white-space: nowrap; }
.grid td.num, .grid th.num { text-align: right; white-space: nowrap; }
.facts { display: grid; grid-template-columns: 7em 1fr; gap: 1pt 8pt; margin: 0 0 4pt; }
.facts dt { font-weight: 700; } .facts dd { margin: 0; }
.warn { color: #b00020; font-weight: 700; }
.muted { color: #555; }
.keep { break-inside: avoid; }
tr.newpage { break-before: page; }
.total { text-align: right; font-weight: 700; margin-top: 2pt; }
svg.genogram { display: block; margin: 4pt 0; max-width: 100%; }
.legend { border: 0.6pt solid #333; padding: 4pt 6pt; margin: 4pt 0 8pt; }
.legend p { margin: 0 0 2pt; }
.legend .key { display: flex; flex-wrap: wrap; gap: 2pt 12pt; }
.item { border: 0.5pt solid #999; padding: 3pt 5pt 1pt; margin: 0 0 5pt; break-inside: avoid; }
.item.whole-t { border: 2.2pt double #8a4b00; }
.item.whole-j { border: 1.6pt solid #1d4ed8; }
.ih { font-weight: 700; margin: 0 0 2pt; }
.flag { font-weight: 700; border: 0.6pt solid #333; padding: 0 3pt; margin-left: 4pt; font-size: 8.5pt; }
.retracted .v { text-decoration: line-through; }
.grid th.l { width: 11em; }
.grid th.rec { width: 9em; }
.grid .nw { white-space: nowrap; }
.grid td.m-j { border: 1.6pt solid #1d4ed8; }
.grid td.m-t { border: 2.2pt double #8a4b00; }
.grid td.m-p { border: 1pt dashed #555; }
.tag { font-weight: 700; white-space: nowrap; }
.tag.j { color: #1d4ed8; } .tag.t { color: #8a4b00; } .tag.p { color: #555; }
.why { display: block; font-size: 8pt; color: #444; }
@media screen { body { background: #e9e9e9; } table.copy { background: #fff; width: 210mm; margin: 8mm auto; padding: 12mm 13mm; box-shadow: 0 1px 4px rgba(0,0,0,.3); } }
"#;

/// A printable document: every copy repeats `sections` under the running marks.
pub struct Document {
    pub title: String,
    /// Shown in each page's header beside 取扱注意.
    pub subtitle: String,
    /// Confidentiality statement for the footer (from the meeting type, or a default).
    pub confidentiality: String,
    pub sections: Vec<String>,
    /// Start every section after the first on a new page (one case per page in a pack).
    pub page_per_section: bool,
    /// A handout numbers every copy 配布資料 No. n/N so copies can be collected after the
    /// meeting; a case form (given to the person, filed) shows its copy number only when several
    /// are printed.
    pub handout: bool,
}

impl Document {
    pub fn render(&self, copies: u32) -> String {
        self.render_footed(copies, "会議終了後に回収します（複製・持ち出し禁止）")
    }

    /// `render` with another line at the foot of each page than the meeting handout's, for a
    /// document that is not collected after a meeting.
    pub fn render_footed(&self, copies: u32, foot: &str) -> String {
        let copies = copies.max(1);
        let mut out =
            String::with_capacity(self.sections.iter().map(String::len).sum::<usize>() * copies as usize + 8192);
        let _ = write!(
            out,
            "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\">\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
             <title>{}</title><style>{STYLE}</style></head><body>",
            esc(&self.title)
        );
        for k in 1..=copies {
            let number = match (self.handout, copies) {
                (true, _) => format!("配布資料 No. {k}/{copies}"),
                (false, 1) => String::new(),
                (false, _) => format!("{k}/{copies}部"),
            };
            let _ = write!(
                out,
                "<table class=\"copy\"><thead><tr><td><div class=\"runhead\"><span class=\"mark\">取扱注意</span>\
                 <span>{}</span><span class=\"copyno\">{number}</span></div></td></tr></thead>\
                 <tfoot><tr><td><div class=\"runfoot\"><span>{}</span><span>{}</span></div></td></tr></tfoot><tbody>",
                esc(&self.subtitle),
                esc(&self.confidentiality),
                esc(foot)
            );
            for (i, s) in self.sections.iter().enumerate() {
                let class = if self.page_per_section && i > 0 {
                    " class=\"newpage\""
                } else {
                    ""
                };
                let _ = write!(out, "<tr{class}><td>{s}</td></tr>");
            }
            out.push_str("</tbody></table>");
        }
        out.push_str("</body></html>");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_copy_carries_the_marks_and_text_is_escaped() {
        let d = Document {
            title: "次第".into(),
            subtitle: "支援会議".into(),
            confidentiality: "社会福祉法第106条の6".into(),
            sections: vec![format!("<p>{}</p>", esc("<script>alert(1)</script> & 高橋"))],
            page_per_section: false,
            handout: true,
        };
        let html = d.render(3);
        assert_eq!(
            html.matches("取扱注意").count(),
            3,
            "the mark repeats with each copy (and each page, via thead)"
        );
        for k in 1..=3 {
            assert!(html.contains(&format!("配布資料 No. {k}/3")));
        }
        assert!(!html.contains("<script>"), "names and notes are text, never markup");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; 高橋"));
        assert!(html.contains("size: A4"));
    }

    #[test]
    fn the_style_and_the_print_engine_use_the_same_margins() {
        let [top, right, bottom, left] = PAGE_MARGINS_MM;
        assert!(
            STYLE.contains(&format!(
                "@page {{ size: A4; margin: {top}mm {right}mm {bottom}mm {left}mm; }}"
            )),
            "a PDF laid out with PAGE_MARGINS_MM must look like the page the browser prints"
        );
    }

    #[test]
    fn a_case_form_is_not_numbered_as_a_meeting_handout() {
        let d = Document {
            title: "支援プラン".into(),
            subtitle: "支援プラン".into(),
            confidentiality: "取扱注意".into(),
            sections: vec!["<p>計画</p>".into()],
            page_per_section: false,
            handout: false,
        };
        assert!(
            !d.render(1).contains("配布資料"),
            "a form given to the person is not collected after a meeting"
        );
        assert!(!d.render(1).contains("1/1部"), "one copy needs no number");
        let two = d.render(2);
        assert!(
            two.contains("1/2部") && two.contains("2/2部"),
            "several copies are told apart"
        );
    }
}
