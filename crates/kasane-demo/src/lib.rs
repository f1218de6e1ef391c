//! Synthetic Kamakura city for demos and benchmarks: fictional households with correctly read
//! Japanese names, coherent family relations, welfare cases, consent records and 支援経過
//! entries. Deterministic per (seed, household index) and streamed one household at a time;
//! every district, problem and agency code is verbatim from the shared reference TSVs. No real
//! person's data is used anywhere.
#![forbid(unsafe_code)]

mod casework;
mod names;
mod notes;
mod places;
mod scenario;
mod specs;
mod util;

#[cfg(test)]
mod tests;

pub use kasane::seed::{
    DemoCase, DemoConsent, DemoHousehold, DemoLead, DemoNote, DemoPerson, DemoRelation, DemoReport,
};

use jiff::civil::Date;

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

/// Fills the vault with `households` synthetic households (deterministic for a seed), calling
/// `progress(done, total)` after each transaction. Dates are relative to the vault's own day.
pub fn fill_demo(
    v: &mut kasane::Vault,
    households: usize,
    seed: u64,
    lead: DemoLead,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<DemoReport, kasane::Error> {
    // Dates are relative to the vault's own day, from its clock.
    let today = v.ambient().clock.today();
    let city = city(&DemoConfig {
        households,
        seed,
        today,
    });
    kasane::seed::fill(v, households, city, lead, progress)
}
