//! Which cases a meeting may take up. Each conference shares under its own law, and the law says
//! whom it is for: 要対協 for children who need protection or support, 地域ケア会議 for older people,
//! the 困窮 支援会議 and the 支援調整会議 for people in financial hardship. A case goes on such an
//! agenda, or is shared under that law, only when its records show it fits on the day; the
//! refusal says what is missing. The rule itself is `authority::Remit`, so a local command and a
//! partner's share are judged by the same function; this module words its answer.

use crate::{
    authority::{MemberFacts, Remit},
    ja::Date,
    record::{self, Msg, Person},
};

/// Whom a meeting of this conference type is for, as the form says it before the meeting exists:
/// (Japanese, English); None for a meeting that may take up any household.
pub fn remit_text(conference: &str) -> Option<(&'static str, &'static str)> {
    match Remit::of_conference(conference) {
        Remit::Any => None,
        Remit::Children => Some((
            "要保護児童・要支援児童・特定妊婦のケース（18歳未満の世帯員か、出産予定日のある特定妊婦か、子どもに関する課題が記録されていること）",
            "children who need protection or support, and 特定妊婦 (a household member under 18, an expectant mother with her expected delivery date, or a problem about a child, recorded)",
        )),
        Remit::Older => Some((
            "高齢者のケース（65歳以上の世帯員か、要支援・要介護、認知症などの課題が記録されていること）",
            "older people (a household member 65 or over, or a problem such as a care need or dementia, recorded)",
        )),
        Remit::Hardship => Some((
            "生活困窮者のケース（生活困窮、家計・滞納・借金、就労困難、住まいの確保などの課題が記録されていること）",
            "people in financial hardship (a problem such as hardship, arrears or debt, difficulty working or securing housing, recorded)",
        )),
    }
}

/// Why a case may not be shared under `basis` on `on`: outside the remit of the law's conferences.
pub(crate) fn outside_for_basis(basis: &str, on: Date, members: &[Person], problems: &[String]) -> Option<Msg> {
    let conference = Remit::conference_of_basis(basis)?;
    let label = crate::reference::conference_type(conference).map_or(conference, |t| t.label_ja);
    outside(conference, label, on, members, problems)
}

/// Whether a meeting of this conference type takes up only some cases.
pub(crate) fn restricts(conference: &str) -> bool {
    Remit::of_conference(conference) != Remit::Any
}

/// Why a case is outside the remit of a meeting of `conference` held on `on` (`label` is the
/// meeting type as people say it), judged from the living household members' ages and the case's
/// problems; None when it fits.
pub(crate) fn outside(conference: &str, label: &str, on: Date, members: &[Person], problems: &[String]) -> Option<Msg> {
    let facts: Vec<MemberFacts> = members
        .iter()
        .map(|p| MemberFacts {
            birth: p.birth,
            deceased: p.deceased,
            expecting: p.expecting,
        })
        .collect();
    let remit = Remit::of_conference(conference);
    if remit.fits(on, &facts, problems) {
        return None;
    }
    let day = || crate::ja::wareki(on);
    match remit {
        Remit::Any => None,
        Remit::Children => Some({
            let day = day();
            record::msg!(
                ja: "{label}（要保護児童対策地域協議会、児童福祉法第25条の2）で検討できるのは、要保護児童・要支援児童・特定妊婦のケースです。この世帯には{day}時点で18歳未満の世帯員も、出産予定日が記録された特定妊婦も記録されておらず、ケースの課題にも子どもに関するもの（児童虐待、ヤングケアラー、不登校など）がありません。世帯員の生年月日・出産予定日か課題を記録するか、支援会議で検討してください",
                en: "a {label} (要保護児童対策地域協議会, 児童福祉法25条の2) takes up children who need protection or support and 特定妊婦; this household has no member recorded as under 18 on {on}, no 特定妊婦 with an expected delivery date, and the case has no problem about a child (abuse, young carer, school non-attendance …); record a birth date, an expected delivery date or the problem, or discuss the case at a 支援会議"
            )
        }),
        Remit::Older => Some({
            let day = day();
            record::msg!(
                ja: "{label}（介護保険法第115条の48）で検討できるのは、高齢者（65歳以上、または要介護・要支援）のケースです。この世帯には{day}時点で65歳以上の世帯員が記録されておらず、ケースの課題にも要支援・要介護、認知症などがありません。世帯員の生年月日か課題を記録するか、支援会議で検討してください",
                en: "a {label} (介護保険法115条の48) takes up older people (65 and over, or needing long-term care); this household has no member recorded as 65 or over on {on}, and the case has no problem such as a care need or dementia; record a birth date or the problem, or discuss the case at a 支援会議"
            )
        }),
        Remit::Hardship => Some({
            record::msg!(
                ja: "{label}で検討できるのは、生活困窮者（生活困窮者自立支援法）のケースです。このケースの課題に、生活困窮・家計・滞納・借金・就労困難・住まいの確保などがありません。課題を記録するか、支援会議で検討してください",
                en: "a {label} takes up people in financial hardship (生活困窮者自立支援法); the case has no problem such as financial hardship, arrears or debt, difficulty working or securing housing; record the problem, or discuss the case at a 支援会議"
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(birth: &str) -> Person {
        serde_json::from_value(serde_json::json!({
            "family_name": "青木", "given_name": "一", "family_kana": "あおき", "given_kana": "はじめ",
            "relation": "本人", "birth": birth, "sex": "male",
        }))
        .expect("a person as stored")
    }

    fn on(s: &str) -> Date {
        crate::ja::parse_date(s).expect("a date")
    }

    #[test]
    fn a_child_is_under_18_on_the_meeting_day_and_a_year_only_birth_counts_when_it_may_be() {
        let day = on("2026-12-10");
        let fits =
            |birth: &str| outside("kobetsu-case-kento", "個別ケース検討会議", day, &[member(birth)], &[]).is_none();
        assert!(!fits("2008-12-10"), "18 on the day is no longer a child");
        assert!(fits("2008-12-11"), "17 until the day before the 18th birthday");
        assert!(fits("2008"), "born some time in 2008: may still be 17");
        assert!(!fits("2007"), "born in 2007: 18 or 19");
        assert!(
            outside(
                "kobetsu-case-kento",
                "個別ケース検討会議",
                day,
                &[member("1970")],
                &["young-carer".into()]
            )
            .is_none(),
            "a problem about a child fits even when no child's birth date is recorded"
        );
    }

    #[test]
    fn a_tokutei_ninpu_fits_while_she_is_expecting_on_the_day() {
        let day = on("2026-12-10");
        let mother = |due: &str| Person {
            expecting: Some(on(due)),
            ..member("1995-04-01")
        };
        let fits = |p: Person| outside("kobetsu-case-kento", "個別ケース検討会議", day, &[p], &[]).is_none();
        assert!(fits(mother("2027-02-01")), "expecting on the meeting day");
        assert!(fits(mother("2026-12-10")), "due on the day itself");
        assert!(
            !fits(mother("2026-11-30")),
            "once the due date has passed the child is the member to record"
        );
        assert!(!fits(member("1995-04-01")), "an adult with nothing about a child");
    }

    #[test]
    fn older_means_65_on_the_meeting_day_or_a_care_problem() {
        let day = on("2026-12-10");
        let fits = |birth: &str, problems: &[String]| {
            outside("chiiki-care-kaigi", "地域ケア会議", day, &[member(birth)], problems).is_none()
        };
        assert!(fits("1961-12-10", &[]), "65 on the day");
        assert!(!fits("1961-12-11", &[]), "64 until the day before");
        assert!(fits("1990", &["dementia".into()]));
        let why = outside("chiiki-care-kaigi", "地域ケア会議", day, &[member("1990")], &[]).expect("outside");
        assert!(
            why.ja.contains("65歳以上") && why.ja.contains("令和8年12月10日"),
            "{}",
            why.ja
        );
    }

    #[test]
    fn hardship_is_a_problem_of_money_work_or_housing_and_public_assistance_alone_is_not() {
        let day = on("2026-12-10");
        let fits = |p: &str| outside("konkyu-shien-kaigi", "支援会議", day, &[], &[p.to_string()]).is_none();
        assert!(fits("poverty") && fits("debt-arrears") && fits("unemployment") && fits("housing"));
        assert!(
            !fits("public-assistance"),
            "生活保護 recipients are supported under that law"
        );
        assert!(!fits("hikikomori"));
        assert!(
            outside("shien-kaigi", "支援会議", day, &[], &[]).is_none(),
            "a 支援会議 under 社会福祉法106条の6 takes up any household"
        );
    }
}
