//! The case cycle's own forms: the 相談受付票, the アセスメントシート (by domain, what was found
//! apart from the worker's judgement) and the 支援プラン of one version, with the lines where the
//! person and the lead agency sign. All are personal printouts (取扱注意, logged).

use std::fmt::Write;

use uuid::Uuid;

use super::html::{esc, paragraphs};
use crate::{
    Error, Vault,
    ja::wareki,
    record::{self, RecordError},
};

/// A row of a two-column form table; `value` is already escaped.
fn row(s: &mut String, label: &str, value: &str) {
    let _ = write!(s, "<tr><th>{label}</th><td>{value}</td></tr>");
}

impl Vault {
    /// The 相談受付票 of a case, as recorded at intake.
    pub fn print_intake(&mut self, case: Uuid, copies: u32) -> Result<String, Error> {
        let c = self.case_quiet(case)?;
        let Some(k) = c.intake.clone() else {
            return Err(RecordError::Refused(record::msg!(
                ja: "このケースには相談受付の記録がありません。記録してから印刷してください",
                en: "this case has no intake recorded; record it before printing the intake form"
            ))
            .into());
        };
        let household = self.household(c.household).map(|h| h.label).unwrap_or_default();
        let lead = self.agency(c.lead_agency).map(|a| a.name).unwrap_or_default();
        let consent = match k.consent {
            Some(id) => match self.consent(id) {
                Ok(x) => format!("あり（{}、{}）", esc(&wareki(x.date)), esc(&x.scope)),
                Err(_) => "あり".into(),
            },
            None => "なし".into(),
        };
        let mut s = format!(
            "<h1>相談受付票</h1><p class=\"muted\">{}　{}</p><table class=\"grid\"><tbody>",
            esc(&household),
            esc(&c.title)
        );
        let when = match &k.time {
            Some(t) => format!("{} {}", wareki(k.date), t),
            None => wareki(k.date),
        };
        row(&mut s, "受付日時", &esc(&when));
        row(&mut s, "受付者", &esc(&format!("{}（{lead}）", k.received_by)));
        let route = match &k.referrer {
            Some(r) => format!("{}（{r}）", k.route.label_ja()),
            None => k.route.label_ja().to_string(),
        };
        row(&mut s, "相談経路", &esc(&route));
        let visitor = match &k.visitor_name {
            Some(n) => format!("{}（{n}）", k.visitor.label_ja()),
            None => k.visitor.label_ja().to_string(),
        };
        row(&mut s, "来談者", &esc(&visitor));
        row(&mut s, "主訴（本人の言葉）", &paragraphs(&k.complaint));
        row(
            &mut s,
            "世帯の状況",
            &k.situation.as_deref().map(paragraphs).unwrap_or_default(),
        );
        row(&mut s, "本人同意", &consent);
        row(&mut s, "緊急度", c.risk.map(|r| r.label_ja()).unwrap_or("未記入"));
        s.push_str("</tbody></table>");
        s.push_str("<p>受付者：＿＿＿＿＿＿＿＿＿＿＿＿　　所属長：＿＿＿＿＿＿＿＿＿＿＿＿</p>");
        self.personal_printout(
            format!("相談受付票 {}", c.title),
            "相談受付票",
            s,
            (case, "intake form"),
            copies,
        )
    }

    /// The アセスメントシート of a case: per domain of the assessment, each agency's entries with
    /// what was found (把握した状況（事実）) in one column and the worker's judgement (見立て, strengths,
    /// needs, urgency) in another, marked as 評価・判断; then the overall 見立て and 支援方針 with the
    /// agencies that took part. Retracted entries are left out.
    pub fn print_assessment(&mut self, case: Uuid, copies: u32) -> Result<String, Error> {
        let c = self.case_quiet(case)?;
        let household = self.household(c.household).map(|h| h.label).unwrap_or_default();
        let lead = self.agency(c.lead_agency).map(|a| a.name).unwrap_or_default();
        let members = self.members_of(c.household)?;
        let about = |id: Option<Uuid>| match id {
            None => "世帯全体".to_string(),
            Some(id) => members
                .iter()
                .find(|m| m.id == id)
                .map(|m| format!("{} {}（{}）", m.family_name, m.given_name, m.relation))
                .unwrap_or_default(),
        };
        let entries: Vec<record::AssessmentEntry> = self
            .assessment_entries(case)?
            .into_iter()
            .filter(|e| !e.retracted)
            .collect();
        let mut s = format!(
            "<h1>アセスメントシート</h1><p class=\"muted\">{}　{}　主担当：{}</p>",
            esc(&household),
            esc(&c.title),
            esc(&lead)
        );
        s.push_str(
            "<p class=\"muted\">「見立て」の欄は記録した職員の評価・判断です。把握した事実と分けて記載しています。</p>",
        );
        let mut any = false;
        for d in crate::reference::assessment_domains() {
            let of: Vec<&record::AssessmentEntry> = entries.iter().filter(|e| e.domain == d.code).collect();
            if of.is_empty() {
                continue;
            }
            any = true;
            let _ = write!(
                s,
                "<h2>{}</h2><table class=\"grid\"><thead><tr><th class=\"rec\">記録</th><th>把握した状況（事実）</th><th>見立て（評価・判断）</th></tr></thead><tbody>",
                esc(d.label_ja)
            );
            for e in of {
                let mut judgement = String::new();
                for (label, text) in [
                    ("見立て", &e.judgement),
                    ("強み", &e.strengths),
                    ("必要な支援", &e.needs),
                ] {
                    if let Some(t) = text.as_deref().filter(|t| !t.trim().is_empty()) {
                        let _ = write!(judgement, "<p><strong>{label}</strong></p>{}", paragraphs(t));
                    }
                }
                if let Some(r) = e.risk {
                    let _ = write!(judgement, "<p><strong>緊急度</strong> {}</p>", r.label_ja());
                }
                let no_contact = if e.no_contact {
                    "<p><strong>本人・家族は関わり・連絡を拒否（援助拒否）</strong></p>"
                } else {
                    ""
                };
                let _ = write!(
                    s,
                    "<tr><td>{}<br>{}<br>{}</td><td>{no_contact}{}</td><td>{judgement}</td></tr>",
                    esc(&super::short_wareki(e.date)),
                    esc(&e.agency_name),
                    esc(&about(e.person)),
                    paragraphs(&e.seen)
                );
            }
            s.push_str("</tbody></table>");
        }
        if !any {
            s.push_str("<p>アセスメントの記録はありません。</p>");
        }
        s.push_str("<h2>全体の見立てと支援方針</h2>");
        match &c.formulation {
            Some(f) => {
                let names: Vec<String> = f
                    .agencies
                    .iter()
                    .map(|a| self.agency(*a).map(|a| a.name).unwrap_or_default())
                    .collect();
                s.push_str("<table class=\"grid\"><tbody>");
                row(&mut s, "記載日", &esc(&wareki(f.date)));
                row(&mut s, "全体の見立て（評価・判断）", &paragraphs(&f.view));
                row(&mut s, "支援方針", &paragraphs(&f.policy));
                row(&mut s, "参加した機関", &esc(&names.join("、")));
                s.push_str("</tbody></table>");
            }
            None => s.push_str("<p>全体の見立てはまだ記載されていません。</p>"),
        }
        self.personal_printout(
            format!("アセスメントシート {}", c.title),
            "アセスメントシート",
            s,
            (case, "assessment sheet"),
            copies,
        )
    }

    /// One version of the 支援プラン: 支援方針, period, goals with their evaluation, the division
    /// of roles (who does what, how often, by when — the person or family included), the
    /// meeting's approval, and the lines where the person and the lead agency sign.
    pub fn print_plan(&mut self, plan: Uuid, copies: u32) -> Result<String, Error> {
        let p = self.plan_version(plan)?;
        let c = self.case_quiet(p.case)?;
        let household = self.household(c.household).map(|h| h.label).unwrap_or_default();
        let lead = self.agency(c.lead_agency).map(|a| a.name).unwrap_or_default();
        let members = self.members_of(c.household)?;
        let name_of = |id: Uuid| {
            members
                .iter()
                .find(|m| m.id == id)
                .map(|m| format!("{} {}", m.family_name, m.given_name))
                .unwrap_or_default()
        };
        let goals: Vec<record::Goal> = self
            .goals_of(p.case)?
            .into_iter()
            .filter(|g| g.plan == Some(p.id))
            .collect();
        let actions: Vec<record::Action> = self
            .actions_of(p.case)?
            .into_iter()
            .filter(|a| a.goal.is_some_and(|g| goals.iter().any(|x| x.id == g)))
            .collect();
        let mut s = format!(
            "<h1>支援プラン（第{}版）</h1><p class=\"muted\">{}　{}　主担当：{}</p><table class=\"grid\"><tbody>",
            p.number,
            esc(&household),
            esc(&c.title),
            esc(&lead)
        );
        row(&mut s, "作成日", &esc(&wareki(p.created)));
        row(&mut s, "期間", &esc(&format!("{} 〜 {}", wareki(p.from), wareki(p.to))));
        row(&mut s, "支援方針", &paragraphs(&p.policy));
        row(
            &mut s,
            "次回評価日",
            &p.next_evaluation.map(|d| esc(&wareki(d))).unwrap_or_default(),
        );
        let approval = match &p.approval {
            Some(a) => {
                let mark = if p.changed_since_approval {
                    "（承認後に変更あり。再承認が必要です）"
                } else {
                    ""
                };
                format!("{}の重層的支援会議で承認{mark}", wareki(a.date))
            }
            None => "未承認".into(),
        };
        row(&mut s, "会議での承認", &esc(&approval));
        s.push_str("</tbody></table><h2>目標</h2>");
        if goals.is_empty() {
            s.push_str("<p>目標の記録はありません。</p>");
        } else {
            s.push_str("<table class=\"grid\"><thead><tr><th>目標</th><th>種類</th><th>評価</th></tr></thead><tbody>");
            for g in &goals {
                let result = g
                    .evaluation
                    .as_ref()
                    .map(|e| {
                        let why = e.comment.as_deref().map(|c| format!("：{c}")).unwrap_or_default();
                        format!("{}（{}）{why}", e.result.label_ja(), wareki(e.date))
                    })
                    .unwrap_or_default();
                let _ = write!(
                    s,
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&g.text),
                    g.term.map(|t| t.label_ja()).unwrap_or(""),
                    esc(&result)
                );
            }
            s.push_str("</tbody></table>");
        }
        s.push_str("<h2>支援内容と役割分担</h2>");
        if actions.is_empty() {
            s.push_str("<p>支援内容の記録はありません。</p>");
        } else {
            s.push_str(
                "<table class=\"grid\"><thead><tr><th>支援内容</th><th>担当</th><th>頻度</th><th>期限</th></tr></thead><tbody>",
            );
            for a in &actions {
                let who = match a.owner_person {
                    Some(pid) => format!("本人・家族：{}（支援：{}）", name_of(pid), a.owner_agency_name),
                    None => a.owner_agency_name.clone(),
                };
                let _ = write!(
                    s,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&a.text),
                    esc(&who),
                    esc(a.frequency.as_deref().unwrap_or("")),
                    a.due.map(|d| esc(&wareki(d))).unwrap_or_default()
                );
            }
            s.push_str("</tbody></table>");
        }
        let agreed = match &p.agreement {
            Some(a) => format!(
                "<p>{}に{}さんの同意を得ました。</p>",
                esc(&wareki(a.date)),
                esc(&name_of(a.person))
            ),
            None => String::new(),
        };
        let _ = write!(
            s,
            "<h2>本人の同意</h2><p>この支援プランの内容に同意します。</p>{agreed}\
             <p>　　年　　月　　日　　本人署名：＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿</p>\
             <p>　　年　　月　　日　　主担当機関（{}）：＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿</p>",
            esc(&lead)
        );
        self.personal_printout(
            format!("支援プラン {} 第{}版", c.title, p.number),
            "支援プラン",
            s,
            (p.case, "support plan"),
            copies,
        )
    }
}
