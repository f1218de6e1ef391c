//! Referrals (つなぎ) to an agency or a community resource, and the directory of community
//! resources (居場所, 食料支援, 学習支援 …) they point to. A referral to an agency is answered by
//! that agency (受理 or 不受理), which closes the loop; resources do not use Kasane, so the
//! referring agency records their answer.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::record::{
    Fields, Record, RecordError, choice, conflicts_of, district_code, load_all, optional_text, require_text, view,
};
use crate::{
    Vault,
    ja::Date,
    log::{EntityState, Scope},
    share::{Basis, ShareError},
};

choice!(ReferralStatus, "referral status", {
    Requested = "requested" / "依頼中",
    Accepted = "accepted" / "受理",
    Declined = "declined" / "不受理",
    Completed = "completed" / "完了",
});

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Referral {
    #[serde(skip_deserializing)]
    pub id: Uuid,
    pub case: Uuid,
    pub from_agency: Uuid,
    #[serde(default)]
    pub to_agency: Option<Uuid>,
    #[serde(default)]
    pub to_resource: Option<Uuid>,
    pub reason: String,
    /// The consent the referral rests on, if any.
    #[serde(default)]
    pub consent: Option<Uuid>,
    pub status: ReferralStatus,
    #[serde(default)]
    pub response: Option<String>,
    pub date: Date,
    #[serde(default)]
    pub answered: Option<Date>,
    #[serde(skip_deserializing)]
    pub to_name: String,
    #[serde(skip_deserializing)]
    pub conflicts: Vec<String>,
}

impl Record for Referral {
    const ETYPE: &'static str = "referral";
    fn set_meta(&mut self, st: &EntityState) {
        self.id = st.id;
        self.conflicts = conflicts_of(st);
    }
}

#[derive(Debug, Clone)]
pub struct NewReferral {
    pub case: Uuid,
    pub to_agency: Option<Uuid>,
    pub to_resource: Option<Uuid>,
    pub reason: String,
    pub consent: Option<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Resource {
    #[serde(skip_deserializing)]
    pub id: Uuid,
    pub name: String,
    /// 居場所, 食料支援, 学習支援, 子ども食堂 … as the city calls it.
    pub kind: String,
    #[serde(default)]
    pub district: Option<String>,
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub archived: bool,
    #[serde(skip_deserializing)]
    pub conflicts: Vec<String>,
}

impl Record for Resource {
    const ETYPE: &'static str = "resource";
    fn set_meta(&mut self, st: &EntityState) {
        self.id = st.id;
        self.conflicts = conflicts_of(st);
    }
}

#[derive(Debug, Clone)]
pub struct NewResource {
    pub name: String,
    pub kind: String,
    pub district: Option<String>,
    pub contact: Option<String>,
    pub note: Option<String>,
}

impl Vault {
    /// Adds a community resource to the directory (it travels to every partner).
    pub fn add_resource(&mut self, new: NewResource) -> Result<Uuid, ShareError> {
        let f = Fields::new()
            .put("name", require_text("name", &new.name)?)
            .put("kind", require_text("kind", &new.kind)?)
            .maybe("district", new.district.as_deref().map(district_code).transpose()?)
            .maybe("contact", optional_text("contact", new.contact.as_deref())?)
            .maybe("note", optional_text("note", new.note.as_deref())?)
            .into_map();
        self.write(|tx| {
            let id = tx.create(Scope::Directory, "resource", None, f)?;
            tx.audit("resource.add", Some(id.to_string()), None);
            Ok(id)
        })
    }

    pub fn resources(&self, district: Option<&str>, kind: Option<&str>) -> Result<Vec<Resource>, ShareError> {
        let mut out: Vec<Resource> = load_all(&self.conn, "resource", None)?
            .iter()
            .filter_map(|st| view::<Resource>(st).ok())
            .collect();
        out.retain(|r| {
            !r.archived
                && district.is_none_or(|d| r.district.as_deref() == Some(d))
                && kind.is_none_or(|k| r.kind.contains(k))
        });
        out.sort_by(|a, b| a.kind.cmp(&b.kind).then(a.name.cmp(&b.name)));
        Ok(out)
    }

    /// Refers a case to an agency or a resource. An agency that cannot see the case yet is
    /// given it under the referral's consent (only the lead may do that).
    pub fn add_referral(&mut self, new: NewReferral) -> Result<Uuid, ShareError> {
        let reason = require_text("reason", &new.reason)?;
        let today = self.ambient.clock.today();
        let c = self.case_quiet(new.case)?;
        match (new.to_agency, new.to_resource) {
            (Some(a), None) => {
                self.agency(a)?;
                let visible = a == c.lead_agency || self.shares_of(new.case)?.iter().any(|s| s.active && s.agency == a);
                if !visible {
                    let Some(consent) = new.consent else {
                        return Err(RecordError::Refused(crate::record::msg!(
                            ja: "その機関はまだこのケースを見られません。つなぐには本人の同意が必要です",
                            en: "that agency cannot see this case yet: a referral to it needs the person's consent (--consent)"
                        ))
                        .into());
                    };
                    self.share_cases_for(
                        &[new.case],
                        a,
                        Basis::Consent(consent),
                        Some(crate::record::ConsentPurpose::Referral),
                        None,
                    )?;
                }
            }
            (None, Some(r)) => {
                crate::record::load_one(&self.conn, r, "resource")?;
            }
            _ => return Err(RecordError::Inconsistent(crate::record::msg!(ja: "つなぎ先は機関か社会資源のどちらか一つを選んでください", en: "refer to one agency or one resource")).into()),
        }
        let me = self.me.agency;
        self.write(|tx| {
            let f = Fields::new()
                .put("case", new.case)
                .put("from_agency", me)
                .maybe("to_agency", new.to_agency)
                .maybe("to_resource", new.to_resource)
                .put("reason", &reason)
                .maybe("consent", new.consent)
                .put("status", ReferralStatus::Requested)
                .put("date", today)
                .into_map();
            let id = tx.create(Scope::Case(new.case), "referral", Some(new.case), f)?;
            tx.audit("referral.add", Some(id.to_string()), Some(format!("case {}", new.case)));
            Ok(id)
        })
    }

    /// Records the answer to a referral. For an agency referral only that agency answers
    /// 受理/不受理; the referring agency records 完了 or a resource's answer.
    pub fn update_referral(
        &mut self,
        id: Uuid,
        status: ReferralStatus,
        response: Option<&str>,
    ) -> Result<(), ShareError> {
        let r: Referral = view(&crate::record::load_one(&self.conn, id, "referral")?)?;
        let me = self.me.agency;
        let answering = matches!(status, ReferralStatus::Accepted | ReferralStatus::Declined);
        if let Some(to) = r.to_agency {
            if answering && to != me {
                return Err(RecordError::Refused(crate::record::msg!(
                    ja: "受理・不受理はつなぎ先の機関だけが回答できます",
                    en: "only the agency the referral went to answers it (受理 / 不受理)"
                ))
                .into());
            }
        }
        if r.status == ReferralStatus::Completed {
            return Err(RecordError::Refused(
                crate::record::msg!(ja: "このつなぎはすでに完了しています", en: "this referral is already completed"),
            )
            .into());
        }
        let today = self.ambient.clock.today();
        let f = Fields::new()
            .put("status", status)
            .maybe("response", optional_text("response", response)?)
            .maybe(if answering { "answered" } else { "closed" }, Some(today))
            .into_map();
        self.write(|tx| {
            tx.set(id, f.clone())?;
            tx.audit("referral.update", Some(id.to_string()), Some(status.code().into()));
            Ok(())
        })
    }

    pub fn referrals_of(&self, case: Uuid) -> Result<Vec<Referral>, ShareError> {
        let mut out: Vec<Referral> = load_all(&self.conn, "referral", Some(case))?
            .iter()
            .filter_map(|st| view::<Referral>(st).ok())
            .collect();
        for r in &mut out {
            r.to_name = match (r.to_agency, r.to_resource) {
                (Some(a), _) => self.agency(a).map(|x| x.name).unwrap_or_default(),
                (_, Some(res)) => crate::record::load_one(&self.conn, res, "resource")
                    .ok()
                    .and_then(|st| st.fields.get("name").and_then(|v| v.as_str()).map(str::to_string))
                    .unwrap_or_default(),
                _ => String::new(),
            };
        }
        out.sort_by(|a, b| b.date.cmp(&a.date).then(a.id.cmp(&b.id)));
        Ok(out)
    }
}
