//! Synthetic Kamakura city for demos and benchmarks: fictional households with correctly read
//! Japanese names, coherent family relations, welfare cases, consent records and 支援経過
//! entries. Deterministic per (seed, household index) and streamed one household at a time;
//! every district, problem and agency code is verbatim from the shared reference TSVs. No real
//! person's data is used anywhere.

mod casework;
mod fill;
mod names;
mod notes;
mod places;
mod scenario;
mod specs;
mod util;

#[cfg(test)]
mod tests;

pub use fill::{DemoLead, DemoReport, fill_demo};

use jiff::civil::Date;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoConfig {
    pub households: usize,
    pub seed: u64,
    pub today: Date,
}

/// Deterministic: the same config gives the same city, household by household (streaming; do
/// not build all in memory). Household `i` depends only on `seed`, `i` and `today`, so a longer
/// city extends a shorter one rather than reshuffling it.
pub fn city(config: &DemoConfig) -> impl Iterator<Item = DemoHousehold> + use<> {
    let DemoConfig {
        households,
        seed,
        today,
    } = *config;
    (0..households).map(move |index| household(seed, index as u64, today))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoHousehold {
    pub label: String,
    pub district: &'static str,
    pub address: String,
    pub phone: Option<String>,
    pub scenario: &'static str,
    pub members: Vec<DemoPerson>,
    pub relations: Vec<DemoRelation>,
    pub cases: Vec<DemoCase>,
    pub consents: Vec<DemoConsent>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoPerson {
    pub family_name: String,
    pub given_name: String,
    pub family_kana: String,
    pub given_kana: String,
    pub birth: String,
    pub sex: &'static str,
    pub relation: &'static str,
    pub living_together: bool,
    pub deceased: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoRelation {
    pub a: usize,
    pub b: usize,
    pub kind: &'static str,
    pub status: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoCase {
    pub title: String,
    pub problems: Vec<&'static str>,
    pub status: &'static str,
    pub risk: &'static str,
    pub lead_agency: &'static str,
    #[serde(serialize_with = "util::ser_date")]
    pub opened: Date,
    #[serde(serialize_with = "util::ser_opt_date")]
    pub next_review: Option<Date>,
    pub notes: Vec<DemoNote>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoNote {
    #[serde(serialize_with = "util::ser_date")]
    pub date: Date,
    pub kind: &'static str,
    pub agency: &'static str,
    pub text: String,
    pub internal: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoConsent {
    pub person: usize,
    pub scope: String,
    #[serde(serialize_with = "util::ser_date")]
    pub date: Date,
    pub how: &'static str,
    #[serde(serialize_with = "util::ser_opt_date")]
    pub withdrawn: Option<Date>,
}

fn household(seed: u64, index: u64, today: Date) -> DemoHousehold {
    let mut rng = util::rng_for(seed, index);
    let built = scenario::build(&mut rng, today);
    let district = places::district(&mut rng);
    let address = places::address(&mut rng, district, built.apartment_per_mille);
    let head_age = built.birth_years.first().map_or(60, |b| i32::from(today.year()) - b);
    let phone = places::phone(&mut rng, head_age);
    let label = match built.members.first() {
        Some(head) if util::chance(&mut rng, 600) => format!("{}家", head.family_name),
        Some(head) => format!("{} {} 世帯", head.family_name, head.given_name),
        None => "世帯".to_string(),
    };
    let mut cases = Vec::with_capacity(built.seeds.len());
    let mut consents = Vec::new();
    for seed in &built.seeds {
        let case = casework::case(&mut rng, today, &built, seed);
        casework::consents(&mut rng, today, &built, seed, &case, &mut consents);
        cases.push(case);
    }
    DemoHousehold {
        label,
        district: district.code,
        address,
        phone,
        scenario: built.scenario,
        members: built.members,
        relations: built.relations,
        cases,
        consents,
    }
}
