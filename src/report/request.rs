//! The records about one person on paper, for the review of a disclosure request (保有個人情報の
//! 開示請求): every section and item of `Vault::records_about`, each field as recorded, and what
//! is judgement or third parties' information boxed and labelled (【評価・判断】, 【第三者の情報】,
//! 【第三者の情報を含む可能性】) with the reason, so the reviewer can decide what to withhold and mask
//! it on a copy. The labels carry the meaning in black and white; the borders differ too (solid,
//! double, dashed). The look is in the printed page's one style block (`html`), which the app's
//! CSP allows by its hash: a second style block would not apply in the print preview.

use std::fmt::Write;

use uuid::Uuid;

use super::html::{Document, esc, paragraphs};
use crate::{
    Error, Vault,
    ja::wareki,
    request::{MarkKind, PersonRecords, RequestField, RequestItem, RequestSection, ReviewMark, SectionKind},
};

/// At the foot of every page: what the marks are, wherever the copy goes.
const FOOT: &str = "開示請求に係る記録（審査用）。印は審査のための目印で、開示・不開示の判断ではありません";

fn class(k: MarkKind) -> &'static str {
    match k {
        MarkKind::Judgement => "j",
        MarkKind::ThirdParty => "t",
        MarkKind::PossiblyThirdParty => "p",
    }
}

fn tag(k: MarkKind) -> String {
    format!("<span class=\"tag {}\">【{}】</span>", class(k), k.label_ja())
}

/// The labels and reasons of some marks, one line each.
fn marks_html(marks: &[ReviewMark]) -> String {
    marks
        .iter()
        .map(|m| format!("<span class=\"why\">{} {}</span>", tag(m.kind), esc(&m.reason_ja)))
        .collect()
}

/// The strongest mark decides a cell's border: third party, then judgement, then possibly.
fn strongest(marks: &[ReviewMark]) -> Option<MarkKind> {
    [MarkKind::ThirdParty, MarkKind::Judgement, MarkKind::PossiblyThirdParty]
        .into_iter()
        .find(|k| marks.iter().any(|m| m.kind == *k))
}

fn field_row(s: &mut String, f: &RequestField) {
    let value = if f.value.contains('\n') {
        paragraphs(&f.value)
    } else {
        esc(&f.value)
    };
    let cell = strongest(&f.marks)
        .map(|k| format!(" class=\"m-{}\"", class(k)))
        .unwrap_or_default();
    let _ = write!(
        s,
        "<tr><th class=\"l\">{}</th><td{cell}><span class=\"v\">{value}</span>{}</td></tr>",
        esc(f.label_ja),
        marks_html(&f.marks)
    );
}

fn item_html(s: &mut String, it: &RequestItem) {
    let whole = match strongest(&it.marks) {
        Some(MarkKind::ThirdParty) => " whole-t",
        Some(MarkKind::Judgement) => " whole-j",
        _ => "",
    };
    let _ = write!(
        s,
        "<div class=\"item{whole}{}\"><p class=\"ih\">{}{}{}</p>{}",
        if it.retracted { " retracted" } else { "" },
        esc(&it.heading),
        if it.internal {
            "<span class=\"flag\">機関内メモ</span>"
        } else {
            ""
        },
        if it.retracted {
            "<span class=\"flag\">取消済み</span>"
        } else {
            ""
        },
        marks_html(&it.marks)
    );
    if !it.fields.is_empty() {
        s.push_str("<table class=\"grid\"><tbody>");
        for f in &it.fields {
            field_row(s, f);
        }
        s.push_str("</tbody></table>");
    }
    s.push_str("</div>");
}

fn section_html(s: &mut String, sec: &RequestSection) {
    let _ = write!(s, "<h2>{}</h2>", esc(&sec.title_ja));
    if sec.items.is_empty() {
        s.push_str(match sec.kind {
            SectionKind::Consents => "<p>本人の同意の記録はありません。</p>",
            SectionKind::Elsewhere => {
                "<p>ほかの世帯に、同じ氏名の世帯員や氏名が書かれた支援経過は見つかりませんでした。</p>"
            }
            _ => "<p>記録はありません。</p>",
        });
        return;
    }
    let mut last = None;
    for it in &sec.items {
        // A case's items are grouped by kind; a heading starts each group whose items do not
        // already begin by saying what they are (相談受付 …, 支援プラン 第1版 …).
        if sec.kind == SectionKind::Case && last != Some(it.kind) {
            if !it.heading.starts_with(it.kind.label_ja()) {
                let _ = write!(s, "<h3>{}</h3>", esc(it.kind.label_ja()));
            }
            last = Some(it.kind);
        }
        item_html(s, it);
    }
}

fn front(r: &PersonRecords) -> String {
    let p = &r.person;
    let mut s = String::new();
    let born = p
        .birth_wareki
        .as_deref()
        .map(|b| format!("　{b}生"))
        .unwrap_or_default();
    let _ = write!(
        s,
        "<h1>保有個人情報の開示請求に係る記録</h1><dl class=\"facts\">\
         <dt>本人</dt><dd>{}（{}）{}</dd>\
         <dt>世帯</dt><dd>{}{}</dd>\
         <dt>保有機関</dt><dd>{}</dd>\
         <dt>作成</dt><dd>{}　{}</dd>\
         <dt>ケース</dt><dd>{}件</dd></dl>",
        esc(&p.full_name()),
        esc(&crate::ja::to_hiragana(&p.full_kana())),
        esc(&born),
        esc(&r.household.label),
        r.household
            .address
            .as_deref()
            .map(|a| format!("　{}", esc(a)))
            .unwrap_or_default(),
        esc(&r.agency_name),
        esc(&wareki(r.made)),
        esc(&r.made_by),
        r.cases,
    );
    let _ = write!(
        s,
        "<div class=\"legend\"><p><strong>審査のための印</strong>　開示・不開示を審査する方のための目印です。\
         不開示とするかどうかは、審査で決めます。</p><p class=\"key\">\
         <span>{} 職員や会議の評価・判断（{}か所）</span>\
         <span>{} 本人以外の人についての情報、本人以外の人が話した内容（{}か所）</span>\
         <span>{} 世帯についての自由記述（{}か所）</span></p>\
         <p class=\"muted\">印のない自由記述も、ほかの人の情報を含むことがあります。すべて読んで確かめてください。\
         この記録は、このPCの記録データが保有するものに限ります。ほかの機関が保有する記録は含みません。\
         取り消された記録も、記録として残っているため含めています（取消済み）。</p></div>",
        tag(MarkKind::Judgement),
        r.counts.judgement,
        tag(MarkKind::ThirdParty),
        r.counts.third_party,
        tag(MarkKind::PossiblyThirdParty),
        r.counts.possibly_third_party,
    );
    s
}

impl Vault {
    /// The records about one person as one A4 document (取扱注意) for the review of a disclosure
    /// request, `copies` numbered copies; the print is audited.
    pub fn print_records_about(&mut self, person: Uuid, copies: u32) -> Result<String, Error> {
        let r = self.records_about_quiet(person)?;
        let mut s = front(&r);
        for sec in &r.sections {
            section_html(&mut s, sec);
        }
        let doc = Document {
            title: format!("開示請求に係る記録 {}", r.person.full_name()),
            subtitle: "保有個人情報の開示請求に係る記録".into(),
            confidentiality: "取扱注意　個人情報を含みます。".into(),
            sections: vec![s],
            page_per_section: false,
            handout: true,
        };
        self.audit_now(
            "print",
            Some(person.to_string()),
            Some(format!("records for a disclosure request ×{copies}")),
        )?;
        Ok(doc.render_footed(copies, FOOT))
    }
}
