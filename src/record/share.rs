//! The share set of a case as records: which agencies see it, under which legal basis, since
//! when. The rules for changing it live in the share module; these are the reads every other
//! record needs (who leads, who else sees the case).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Case, Record, RecordError, conflicts_of, load_all, view};
use crate::Vault;

/// The legal basis that lets an agency see a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Basis {
    /// 支援会議 (社会福祉法第106条の6): no consent needed; members bound by statutory confidentiality.
    ShienKaigi,
    /// 重層的支援会議: needs the person's consent.
    JusotekiShienKaigi,
    /// 要保護児童対策地域協議会 (児童福祉法第25条の2, 25条の5).
    Yotaikyo,
    /// 地域ケア会議 (介護保険法第115条の48).
    ChiikiCareKaigi,
    /// 支援会議 under 生活困窮者自立支援法第9条: no consent needed; members bound by statutory
    /// confidentiality (第9条第5項).
    KonkyuShienKaigi,
    /// A specific consent record.
    Consent(Uuid),
}

impl Basis {
    pub fn code(&self) -> String {
        match self {
            Basis::ShienKaigi => "shien-kaigi".into(),
            Basis::JusotekiShienKaigi => "jusoteki-shien-kaigi".into(),
            Basis::Yotaikyo => "yotaikyo".into(),
            Basis::ChiikiCareKaigi => "chiiki-care-kaigi".into(),
            Basis::KonkyuShienKaigi => "konkyu-shien-kaigi".into(),
            Basis::Consent(id) => format!("consent:{id}"),
        }
    }
    pub fn label_ja(&self) -> &'static str {
        match self {
            Basis::ShienKaigi => "支援会議（社会福祉法第106条の6）",
            Basis::JusotekiShienKaigi => "重層的支援会議（本人同意）",
            Basis::Yotaikyo => "要保護児童対策地域協議会（児童福祉法第25条の2）",
            Basis::ChiikiCareKaigi => "地域ケア会議（介護保険法第115条の48）",
            Basis::KonkyuShienKaigi => "支援会議（生活困窮者自立支援法第9条）",
            Basis::Consent(_) => "本人同意（同意記録）",
        }
    }
    /// Accepts the codes above, the conference-type codes that carry the same basis, or
    /// `consent:<id>`.
    pub fn parse(s: &str) -> Result<Basis, RecordError> {
        let t = s.trim();
        Ok(match t {
            "shien-kaigi" | "支援会議" => Basis::ShienKaigi,
            "jusoteki-shien-kaigi" | "重層的支援会議" => Basis::JusotekiShienKaigi,
            "yotaikyo" | "kobetsu-case-kento" | "jitsumusha-kaigi" | "要対協" => Basis::Yotaikyo,
            "chiiki-care-kaigi" | "地域ケア会議" => Basis::ChiikiCareKaigi,
            "konkyu-shien-kaigi" | "支援会議（生活困窮者自立支援）" => Basis::KonkyuShienKaigi,
            _ => match t.strip_prefix("consent:").map(|id| Uuid::parse_str(id.trim())) {
                Some(Ok(id)) => Basis::Consent(id),
                _ => {
                    return Err(RecordError::BadChoice {
                        field: "legal basis",
                        value: t.to_string(),
                        allowed: "shien-kaigi (支援会議) | jusoteki-shien-kaigi (重層的支援会議, needs consent) | yotaikyo (要対協) | chiiki-care-kaigi (地域ケア会議) | konkyu-shien-kaigi (支援会議, 生活困窮者自立支援法) | consent:<consent id>",
                    });
                }
            },
        })
    }
    /// The basis for a meeting of this conference type. A meeting whose shares rest on the
    /// person's consent record ([`Basis::rests_on_consent_record`]) answers 重層的支援会議's basis
    /// here, which needs consent; each share it makes then names the consent record itself.
    pub fn of_conference_type(code: &str) -> Option<Basis> {
        match code {
            "shien-kaigi" => Some(Basis::ShienKaigi),
            "jusoteki-shien-kaigi" | "consent-only" | "shien-chosei-kaigi" => Some(Basis::JusotekiShienKaigi),
            "kobetsu-case-kento" | "jitsumusha-kaigi" => Some(Basis::Yotaikyo),
            "chiiki-care-kaigi" => Some(Basis::ChiikiCareKaigi),
            "konkyu-shien-kaigi" => Some(Basis::KonkyuShienKaigi),
            _ => None,
        }
    }
    /// Whether a meeting of this conference type shares a case on the person's consent record
    /// itself (so the case shows 本人同意 as the basis): a meeting held only on consent, and the
    /// 支援調整会議, which meets on the person's own application.
    pub fn rests_on_consent_record(conference: &str) -> bool {
        matches!(conference, "consent-only" | "shien-chosei-kaigi")
    }
    pub fn needs_consent(&self) -> bool {
        matches!(self, Basis::JusotekiShienKaigi | Basis::Consent(_))
    }
    /// The purpose a share under this basis serves when nothing more specific is said: a share
    /// under 重層的支援会議 is for that meeting; one on a consent record, for working together.
    pub fn default_purpose(&self) -> Option<super::ConsentPurpose> {
        match self {
            Basis::JusotekiShienKaigi => Some(super::ConsentPurpose::JusotekiShienKaigi),
            Basis::Consent(_) => Some(super::ConsentPurpose::CoordinatedSupport),
            _ => None,
        }
    }
    /// The purpose of a share made by putting a case on a meeting of this conference type.
    pub fn purpose_of_conference(conference: &str) -> Option<super::ConsentPurpose> {
        use super::ConsentPurpose as P;
        match conference {
            "jusoteki-shien-kaigi" => Some(P::JusotekiShienKaigi),
            "shien-chosei-kaigi" => Some(P::ShienChoseiKaigi),
            "consent-only" => Some(P::CoordinatedSupport),
            _ => None,
        }
    }
}

impl Serialize for Basis {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.code())
    }
}
impl<'de> Deserialize<'de> for Basis {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Basis::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// One agency's place in a case's share set.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Share {
    #[serde(skip_deserializing)]
    pub id: Uuid,
    #[serde(skip_deserializing)]
    pub case: Uuid,
    pub agency: Uuid,
    pub basis: Basis,
    pub active: bool,
    pub since: jiff::civil::Date,
    /// What a share under the person's consent serves; the consent must include it. None for a
    /// share under a law, and for shares recorded before purposes were.
    #[serde(default)]
    pub purpose: Option<super::ConsentPurpose>,
    /// The meeting the case was disclosed for, when putting it on that meeting's agenda made
    /// this share.
    #[serde(default)]
    pub meeting: Option<Uuid>,
    /// The last day of access: a disclosure for a meeting ends a set number of days after it,
    /// unless the meeting's record decided a lasting share (then None).
    #[serde(default)]
    pub until: Option<jiff::civil::Date>,
    /// Whether the case's shared contact-log entries (支援経過, its progress scope) go too. A
    /// disclosure for a meeting leaves them out unless the lead includes them; None (every share
    /// before this choice existed, and every other share) includes them.
    #[serde(default)]
    pub progress_notes: Option<bool>,
    #[serde(default)]
    pub removed: Option<jiff::civil::Date>,
    #[serde(default)]
    pub removed_reason: Option<String>,
    #[serde(skip_deserializing)]
    pub agency_name: String,
    #[serde(skip_deserializing)]
    pub conflicts: Vec<String>,
}

impl Record for Share {
    const ETYPE: &'static str = "share";
    fn set_meta(&mut self, st: &crate::log::EntityState) {
        self.id = st.id;
        self.case = st.parent.unwrap_or_default();
        self.conflicts = conflicts_of(st);
    }
}

/// vault_meta key of the number of days a disclosure for a meeting lasts after the meeting.
const DISCLOSURE_DAYS_KEY: &str = "meeting_disclosure_days";

/// How long a disclosure for a meeting lasts after it when the city has set nothing.
pub const DEFAULT_DISCLOSURE_DAYS: u32 = 30;

impl Vault {
    /// The number of days after a meeting that its attendees keep a case disclosed for it
    /// (the city's setting; 30 when none is set).
    pub fn meeting_disclosure_days(&self) -> Result<u32, RecordError> {
        Ok(self
            .setting(DISCLOSURE_DAYS_KEY)?
            .and_then(|d| u32::try_from(d).ok())
            .filter(|d| (1..=365).contains(d))
            .unwrap_or(DEFAULT_DISCLOSURE_DAYS))
    }

    /// Sets how many days after a meeting a disclosure for it lasts (1 to 365).
    pub fn set_meeting_disclosure_days(&mut self, days: u32) -> Result<(), RecordError> {
        if !(1..=365).contains(&days) {
            return Err(RecordError::Inconsistent(super::msg!(
                ja: "会議後の提供期間は1日から365日の間で指定してください（{days}日は指定できません）",
                en: "the disclosure period after a meeting must be 1 to 365 days, not {days}"
            )));
        }
        Ok(self.set_setting(
            DISCLOSURE_DAYS_KEY,
            i64::from(days),
            "setting.disclosure-days",
            None,
            &days.to_string(),
        )?)
    }

    /// The share set of a case (active and removed entries).
    pub fn shares_of(&self, case: Uuid) -> Result<Vec<Share>, RecordError> {
        let names: HashMap<Uuid, String> = self.agencies()?.into_iter().map(|a| (a.id, a.name)).collect();
        let mut out: Vec<Share> = load_all(&self.conn, "share", Some(case))?
            .iter()
            .filter_map(|st| view::<Share>(st).ok())
            .collect();
        for s in &mut out {
            s.agency_name = names.get(&s.agency).cloned().unwrap_or_else(|| s.agency.to_string());
        }
        out.sort_by(|a, b| b.active.cmp(&a.active).then(a.agency_name.cmp(&b.agency_name)));
        Ok(out)
    }

    pub(crate) fn require_lead(&self, c: &Case) -> Result<(), RecordError> {
        if c.lead_agency != self.me.agency {
            let lead = self
                .agency(c.lead_agency)
                .map(|a| a.name)
                .unwrap_or_else(|_| c.lead_agency.to_string());
            return Err(RecordError::NotLead { lead });
        }
        Ok(())
    }
}
