//! Reference data from the city's own documents (data/domain/*.tsv, embedded at build time):
//! districts, problem taxonomy, agencies, assessment domains and conference types. Codes from
//! these tables are what records store; labels are looked up here for display.

use std::sync::OnceLock;

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct District {
    pub code: &'static str,
    pub area_ja: &'static str,
    pub area_en: &'static str,
    pub name_ja: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub code: &'static str,
    pub group: &'static str,
    pub label_ja: &'static str,
    pub label_en: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct AgencyInfo {
    pub code: &'static str,
    pub name_ja: &'static str,
    pub name_en: &'static str,
    pub kind: &'static str,
    pub support_meeting_member: bool,
    pub what: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct AssessmentDomain {
    pub code: &'static str,
    pub label_ja: &'static str,
    pub label_en: &'static str,
    pub covers: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConferenceType {
    pub code: &'static str,
    pub label_ja: &'static str,
    pub label_en: &'static str,
    pub legal_basis: &'static str,
    pub consent_required: bool,
    pub consent_note: &'static str,
    pub confidentiality: &'static str,
}

/// Rows of a TSV with a header line; short rows are padded with "" so a missing trailing
/// column cannot make a lookup panic.
fn rows(tsv: &'static str, columns: usize) -> impl Iterator<Item = Vec<&'static str>> {
    tsv.lines().skip(1).filter(|l| !l.trim().is_empty()).map(move |l| {
        let mut cells: Vec<&'static str> = l.split('\t').collect();
        cells.resize(columns.max(cells.len()), "");
        cells
    })
}

pub fn districts() -> &'static [District] {
    static T: OnceLock<Vec<District>> = OnceLock::new();
    T.get_or_init(|| {
        rows(include_str!("../data/domain/districts-kamakura.tsv"), 5)
            .map(|c| District {
                code: c[0],
                area_ja: c[1],
                area_en: c[2],
                name_ja: c[3],
            })
            .collect()
    })
}

pub fn problems() -> &'static [Problem] {
    static T: OnceLock<Vec<Problem>> = OnceLock::new();
    T.get_or_init(|| {
        rows(include_str!("../data/domain/problem-taxonomy.tsv"), 4)
            .map(|c| Problem {
                code: c[0],
                group: c[1],
                label_ja: c[2],
                label_en: c[3],
            })
            .collect()
    })
}

pub fn agencies() -> &'static [AgencyInfo] {
    static T: OnceLock<Vec<AgencyInfo>> = OnceLock::new();
    T.get_or_init(|| {
        rows(include_str!("../data/domain/agencies-kamakura.tsv"), 6)
            .map(|c| AgencyInfo {
                code: c[0],
                name_ja: c[1],
                name_en: c[2],
                kind: c[3],
                support_meeting_member: c[4] == "yes",
                what: c[5],
            })
            .collect()
    })
}

pub fn assessment_domains() -> &'static [AssessmentDomain] {
    static T: OnceLock<Vec<AssessmentDomain>> = OnceLock::new();
    T.get_or_init(|| {
        rows(include_str!("../data/domain/assessment-domains.tsv"), 4)
            .map(|c| AssessmentDomain {
                code: c[0],
                label_ja: c[1],
                label_en: c[2],
                covers: c[3],
            })
            .collect()
    })
}

pub fn conference_types() -> &'static [ConferenceType] {
    static T: OnceLock<Vec<ConferenceType>> = OnceLock::new();
    T.get_or_init(|| {
        rows(include_str!("../data/domain/conference-types.tsv"), 6)
            .map(|c| ConferenceType {
                code: c[0],
                label_ja: c[1],
                label_en: c[2],
                legal_basis: c[3],
                consent_required: c[4].starts_with("yes"),
                consent_note: c[4],
                confidentiality: c[5],
            })
            .collect()
    })
}

pub fn district(code: &str) -> Option<&'static District> {
    districts().iter().find(|d| d.code == code)
}
pub fn problem(code: &str) -> Option<&'static Problem> {
    problems().iter().find(|p| p.code == code)
}
pub fn agency_info(code: &str) -> Option<&'static AgencyInfo> {
    agencies().iter().find(|a| a.code == code)
}
pub fn assessment_domain(code: &str) -> Option<&'static AssessmentDomain> {
    assessment_domains().iter().find(|d| d.code == code)
}
pub fn conference_type(code: &str) -> Option<&'static ConferenceType> {
    conference_types().iter().find(|t| t.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_loads_with_the_rows_of_the_city_documents() {
        assert_eq!(districts().len(), 9, "Kamakura has nine district units");
        assert_eq!(problems().len(), 40);
        assert_eq!(agencies().len(), 25);
        assert_eq!(assessment_domains().len(), 10);
        assert_eq!(conference_types().len(), 8);
        assert_eq!(district("ofuna-2").map(|d| d.area_ja), Some("大船"));
        assert_eq!(problem("hachimaru-gomaru").map(|p| p.label_ja), Some("8050問題"));
        assert!(conference_type("shien-kaigi").is_some_and(|t| !t.consent_required));
        assert!(conference_type("jusoteki-shien-kaigi").is_some_and(|t| t.consent_required));
        assert!(agency_info("fukushi-somu").is_some_and(|a| a.support_meeting_member));
    }
}
