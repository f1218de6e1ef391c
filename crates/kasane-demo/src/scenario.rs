//! Household compositions for each household kind (scenario): who lives there, how old they
//! are, how they are related, and which member each case is about. Guarantees coherent ages
//! (parents at least 18 years older than their children, partners within a few years, 8050
//! parents 75–90 with children 45–60, young carers under 18, …) and relation words that match
//! sex and generation.

use jiff::civil::Date;

use super::names;
use super::specs::{self, Spec};
use super::util::{self, Rng};
use super::{DemoPerson, DemoRelation};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Sex {
    F,
    M,
}

#[derive(Clone, Copy)]
struct Fam {
    kanji: &'static str,
    kana: &'static str,
    foreign: bool,
}

/// A member as a case worker refers to them in that case's notes. The label is from the case's
/// point of view ("母" for the 8050 parent even though she is 本人 to the register).
#[derive(Clone, Copy)]
pub(super) struct Role {
    pub idx: usize,
    pub label: &'static str,
}

/// A: the person the case is about; B: the key family member; C: a third person notes may
/// mention (a younger sibling, the other parent, a cohabiting partner).
#[derive(Clone, Copy)]
pub(super) struct Cast {
    pub a: Role,
    pub b: Option<Role>,
    pub c: Option<Role>,
}

pub(super) struct CaseSeed {
    pub spec: &'static Spec,
    pub cast: Cast,
}

pub(super) struct Household {
    pub scenario: &'static str,
    pub members: Vec<DemoPerson>,
    pub relations: Vec<DemoRelation>,
    pub birth_years: Vec<i32>,
    pub seeds: Vec<CaseSeed>,
    pub apartment_per_mille: u32,
}

#[derive(Clone, Copy)]
enum Kind {
    None,
    ElderlyAlone,
    RorouKaigo,
    Dementia,
    Hachimaru,
    Hikikomori,
    YoungCarer,
    YouthCarer,
    Carer,
    DoubleCare,
    SingleParent,
    Poverty,
    ChildAbuse,
    ElderAbuse,
    Dv,
    NonAttendance,
    Hoarding,
    DisabilityMental,
    VulnerableMutual,
    ForeignResident,
    ConsumerHarm,
    Isolation,
    MedicalCareChild,
    Developmental,
    Reoffending,
    Housing,
}

/// Per-mille shares. About half the households carry a case, and among those the elderly
/// kinds dominate, as in a Kamakura caseload (older population than the national average).
const KINDS: &[(Kind, u32)] = &[
    (Kind::None, 490),
    (Kind::ElderlyAlone, 70),
    (Kind::RorouKaigo, 35),
    (Kind::Dementia, 40),
    (Kind::Hachimaru, 40),
    (Kind::Hikikomori, 22),
    (Kind::YoungCarer, 22),
    (Kind::YouthCarer, 8),
    (Kind::Carer, 14),
    (Kind::DoubleCare, 20),
    (Kind::SingleParent, 40),
    (Kind::Poverty, 45),
    (Kind::ChildAbuse, 15),
    (Kind::ElderAbuse, 10),
    (Kind::Dv, 10),
    (Kind::NonAttendance, 20),
    (Kind::Hoarding, 8),
    (Kind::DisabilityMental, 20),
    (Kind::VulnerableMutual, 10),
    (Kind::ForeignResident, 8),
    (Kind::ConsumerHarm, 10),
    (Kind::Isolation, 12),
    (Kind::MedicalCareChild, 5),
    (Kind::Developmental, 12),
    (Kind::Reoffending, 4),
    (Kind::Housing, 10),
];

const SONS: [&str; 3] = ["長男", "次男", "三男"];
const DAUGHTERS: [&str; 3] = ["長女", "次女", "三女"];

fn parent_word(sex: Sex) -> &'static str {
    if sex == Sex::F { "母" } else { "父" }
}
fn in_law_word(sex: Sex) -> &'static str {
    if sex == Sex::F { "義母" } else { "義父" }
}
fn spouse_word(sex: Sex) -> &'static str {
    if sex == Sex::F { "妻" } else { "夫" }
}
fn grandparent_word(sex: Sex) -> &'static str {
    if sex == Sex::F { "祖母" } else { "祖父" }
}
fn sibling_word(sex: Sex, older: bool) -> &'static str {
    match (sex, older) {
        (Sex::M, true) => "兄",
        (Sex::M, false) => "弟",
        (Sex::F, true) => "姉",
        (Sex::F, false) => "妹",
    }
}
fn opposite(sex: Sex) -> Sex {
    if sex == Sex::F { Sex::M } else { Sex::F }
}

struct Kid {
    age: i32,
    sex: Sex,
    living: bool,
    fam: Fam,
    tag: u8,
}

struct B<'r> {
    rng: &'r mut Rng,
    year: i32,
    today: Date,
    members: Vec<DemoPerson>,
    sexes: Vec<Sex>,
    birth_years: Vec<i32>,
    relations: Vec<DemoRelation>,
    sons: usize,
    daughters: usize,
}

impl B<'_> {
    fn int(&mut self, lo: i32, hi: i32) -> i32 {
        util::between(self.rng, lo, hi)
    }
    fn chance(&mut self, per_mille: u32) -> bool {
        util::chance(self.rng, per_mille)
    }
    fn sex(&mut self, female_per_mille: u32) -> Sex {
        if self.chance(female_per_mille) { Sex::F } else { Sex::M }
    }
    fn fam(&mut self) -> Fam {
        let (kanji, kana) = names::surname(self.rng);
        Fam {
            kanji,
            kana,
            foreign: false,
        }
    }
    fn foreign_fam(&mut self) -> Fam {
        let name = names::foreign_family(self.rng);
        Fam {
            kanji: name,
            kana: name,
            foreign: true,
        }
    }
    fn age(&self, i: usize) -> i32 {
        self.birth_years.get(i).map_or(0, |b| self.year - b)
    }
    fn sex_of(&self, i: usize) -> Sex {
        self.sexes.get(i).copied().unwrap_or(Sex::F)
    }
    fn relation_of(&self, i: usize) -> &'static str {
        self.members.get(i).map_or("本人", |m| m.relation)
    }

    fn add(&mut self, fam: Fam, age: i32, sex: Sex, relation: &'static str, living: bool) -> usize {
        let birth_year = self.year - age.max(0);
        let female = sex == Sex::F;
        let mut given = self.given(fam, age, birth_year, female);
        // Parents do not give two children the same name, even twins.
        for _ in 0..8 {
            if !self.members.iter().any(|m| m.given_name == given.0) {
                break;
            }
            given = self.given(fam, age, birth_year, female);
        }
        let (given_name, given_kana) = given;
        let birth = util::birth_string(self.rng, birth_year, self.today);
        // Registers record what people declare; a small share of adults declare neither.
        let sex_code = if age >= 15 && self.chance(10) {
            if self.chance(600) { "other" } else { "unanswered" }
        } else if female {
            "female"
        } else {
            "male"
        };
        self.members.push(DemoPerson {
            family_name: fam.kanji.to_string(),
            given_name: given_name.to_string(),
            family_kana: fam.kana.to_string(),
            given_kana: given_kana.to_string(),
            birth,
            sex: sex_code,
            relation,
            living_together: living,
            deceased: None,
        });
        self.sexes.push(sex);
        self.birth_years.push(birth_year);
        self.members.len() - 1
    }

    fn given(&mut self, fam: Fam, age: i32, birth_year: i32, female: bool) -> (&'static str, &'static str) {
        // Children born here to foreign parents often get Japanese names.
        if fam.foreign && (age >= 18 || self.chance(500)) {
            let name = names::foreign_given(self.rng, female);
            (name, name)
        } else {
            names::given(self.rng, birth_year, female)
        }
    }

    /// Died between `lo` and `hi` years ago, after their 50th birthday.
    fn decease(&mut self, i: usize, lo: i32, hi: i32) {
        let born = self.birth_years.get(i).copied().unwrap_or(self.year - 80);
        let max_years_ago = hi.min(self.year - born - 50).max(lo);
        let days_ago = util::between64(self.rng, i64::from(lo) * 365 + 30, i64::from(max_years_ago) * 365 + 300);
        let date = util::add_days(self.today, -days_ago);
        if let Some(m) = self.members.get_mut(i) {
            m.living_together = false;
            m.deceased = Some(date.to_string());
        }
    }

    fn parent(&mut self, parent: usize, child: usize) {
        self.relations.push(DemoRelation {
            a: parent,
            b: child,
            kind: "parent-child",
            status: None,
        });
    }

    fn partners(&mut self, a: usize, b: usize, status: &'static str) {
        self.relations.push(DemoRelation {
            a,
            b,
            kind: "partner",
            status: Some(status),
        });
    }

    /// Partner of a given person, a few years apart in the usual direction.
    fn partner_age(&mut self, age: i32, partner: Sex) -> i32 {
        let gap = self.int(-2, 6);
        let a = if partner == Sex::F { age - gap } else { age + gap };
        a.max(18)
    }

    /// Head plus spouse (or, rarely, a cohabiting partner registered as 同居人).
    fn couple(&mut self, fam: Fam, head_age: i32, head_sex: Sex, lo: i32, hi: i32) -> (usize, usize) {
        if head_age >= 70 || !self.chance(60) {
            return self.married(fam, head_age, head_sex, lo, hi);
        }
        let h = self.add(fam, head_age, head_sex, "本人", true);
        let psex = opposite(head_sex);
        let page = self.partner_age(head_age, psex).clamp(lo, hi);
        let other = self.fam();
        let p = self.add(other, page, psex, "同居人", true);
        self.partners(h, p, "cohabiting");
        (h, p)
    }

    fn married(&mut self, fam: Fam, head_age: i32, head_sex: Sex, lo: i32, hi: i32) -> (usize, usize) {
        let h = self.add(fam, head_age, head_sex, "本人", true);
        let psex = opposite(head_sex);
        let page = self.partner_age(head_age, psex).clamp(lo, hi);
        let p = self.add(fam, page, psex, spouse_word(psex), true);
        self.partners(h, p, "married");
        (h, p)
    }

    /// A child's age in `lo..=hi` given the youngest parent's age: births mostly when the
    /// parent was 20–42, never under 18.
    fn child_age(&mut self, youngest: i32, lo: i32, hi: i32) -> i32 {
        let top = hi.min(youngest - 20);
        let bottom = lo.max(youngest - 42);
        if bottom <= top {
            self.int(bottom, top)
        } else {
            self.int(lo, hi.min(youngest - 18))
        }
    }

    /// Ages for `n` children of parents whose youngest is `youngest` (none if impossible).
    fn kid_ages(&mut self, n: usize, lo: i32, hi: i32, youngest: i32) -> Vec<i32> {
        if hi.min(youngest - 18) < lo {
            return Vec::new();
        }
        (0..n).map(|_| self.child_age(youngest, lo, hi)).collect()
    }

    /// Adds the head's children oldest first so 長男/次男/三男 follow birth order.
    fn head_children(&mut self, mut kids: Vec<Kid>, parents: &[usize]) -> Vec<(u8, usize)> {
        kids.sort_by_key(|k| std::cmp::Reverse(k.age));
        let mut out = Vec::with_capacity(kids.len());
        for k in kids {
            let word = if k.sex == Sex::M {
                let w = SONS[self.sons.min(2)];
                self.sons += 1;
                w
            } else {
                let w = DAUGHTERS[self.daughters.min(2)];
                self.daughters += 1;
                w
            };
            let i = self.add(k.fam, k.age, k.sex, word, k.living);
            for &p in parents {
                self.parent(p, i);
            }
            out.push((k.tag, i));
        }
        out
    }

    /// Plain children of the head sharing `fam`, tagged 0.
    fn simple_kids(&mut self, fam: Fam, ages: Vec<i32>, parents: &[usize]) -> Vec<usize> {
        let kids: Vec<Kid> = ages
            .into_iter()
            .map(|age| Kid {
                age,
                sex: if util::chance(self.rng, 500) { Sex::F } else { Sex::M },
                living: true,
                fam,
                tag: 0,
            })
            .collect();
        self.head_children(kids, parents).into_iter().map(|(_, i)| i).collect()
    }

    /// A grown child living elsewhere, the usual キーパーソン of an older person. Married
    /// daughters usually carry their husband's surname.
    fn away_child(&mut self, fam: Fam, parents: &[usize], youngest_parent: i32) -> Option<usize> {
        let hi = youngest_parent - 22;
        let lo = (youngest_parent - 42).max(30);
        if hi < lo {
            return None;
        }
        let age = self.int(lo, hi);
        let sex = self.sex(550);
        let fam = if sex == Sex::F && self.chance(650) {
            self.fam()
        } else {
            fam
        };
        let kid = Kid {
            age,
            sex,
            living: false,
            fam,
            tag: 0,
        };
        self.head_children(vec![kid], parents).first().map(|&(_, i)| i)
    }

    fn role(&self, idx: usize) -> Role {
        Role {
            idx,
            label: self.relation_of(idx),
        }
    }
    fn role_as(&self, idx: usize, label: &'static str) -> Role {
        Role { idx, label }
    }
}

fn seed(spec: &'static Spec, a: Role, b: Option<Role>, c: Option<Role>) -> CaseSeed {
    CaseSeed {
        spec,
        cast: Cast { a, b, c },
    }
}

pub(super) fn build(rng: &mut Rng, today: Date) -> Household {
    let kind = util::weighted(rng, KINDS);
    let mut b = B {
        rng,
        year: i32::from(today.year()),
        today,
        members: Vec::with_capacity(5),
        sexes: Vec::with_capacity(5),
        birth_years: Vec::with_capacity(5),
        relations: Vec::with_capacity(6),
        sons: 0,
        daughters: 0,
    };
    let (scenario, apartment_per_mille, seeds) = match kind {
        Kind::None => ("none", 250, generic(&mut b)),
        Kind::ElderlyAlone => ("elderly-alone", 150, elderly_alone(&mut b)),
        Kind::RorouKaigo => ("rorou-kaigo", 120, rorou_kaigo(&mut b)),
        Kind::Dementia => ("dementia", 150, dementia(&mut b)),
        Kind::Hachimaru => ("hachimaru-gomaru", 120, hachimaru(&mut b)),
        Kind::Hikikomori => ("hikikomori", 200, hikikomori(&mut b)),
        Kind::YoungCarer => ("young-carer", 350, young_carer(&mut b)),
        Kind::YouthCarer => ("youth-carer", 250, youth_carer(&mut b)),
        Kind::Carer => ("carer", 200, carer(&mut b)),
        Kind::DoubleCare => ("double-care", 250, double_care(&mut b)),
        Kind::SingleParent => ("single-parent", 550, single_parent(&mut b)),
        Kind::Poverty => ("poverty", 600, poverty(&mut b)),
        Kind::ChildAbuse => ("child-abuse", 450, child_abuse(&mut b)),
        Kind::ElderAbuse => ("elder-abuse", 150, elder_abuse(&mut b)),
        Kind::Dv => ("dv", 450, dv(&mut b)),
        Kind::NonAttendance => ("non-attendance", 300, non_attendance(&mut b)),
        Kind::Hoarding => ("hoarding", 150, hoarding(&mut b)),
        Kind::DisabilityMental => ("disability-mental", 400, disability_mental(&mut b)),
        Kind::VulnerableMutual => ("vulnerable-mutual", 250, vulnerable_mutual(&mut b)),
        Kind::ForeignResident => ("foreign-resident", 600, foreign_resident(&mut b)),
        Kind::ConsumerHarm => ("consumer-harm", 150, consumer_harm(&mut b)),
        Kind::Isolation => ("isolation", 400, isolation(&mut b)),
        Kind::MedicalCareChild => ("medical-care-child", 250, medical_care_child(&mut b)),
        Kind::Developmental => ("developmental", 300, developmental(&mut b)),
        Kind::Reoffending => ("reoffending", 700, reoffending(&mut b)),
        Kind::Housing => ("housing", 600, housing(&mut b)),
    };
    Household {
        scenario,
        members: b.members,
        relations: b.relations,
        birth_years: b.birth_years,
        seeds,
        apartment_per_mille,
    }
}

/// Households with no case: the ordinary mix that makes up the rest of the register.
fn generic(b: &mut B) -> Vec<CaseSeed> {
    let fam = b.fam();
    let r = b.int(0, 99);
    if r < 26 {
        let age = match b.int(0, 9) {
            0..=2 => b.int(20, 39),
            3..=5 => b.int(40, 69),
            _ => b.int(70, 95),
        };
        let sex = b.sex(560);
        b.add(fam, age, sex, "本人", true);
    } else if r < 50 {
        let age = b.int(25, 88);
        let sex = b.sex(120);
        b.couple(fam, age, sex, 20, 95);
    } else if r < 78 {
        let age = b.int(28, 56);
        let sex = b.sex(100);
        let (h, p) = b.couple(fam, age, sex, 24, 60);
        let youngest = b.age(h).min(b.age(p));
        let n = util::weighted(b.rng, &[(1usize, 35), (2, 45), (3, 20)]);
        let ages = b.kid_ages(n, 0, 24, youngest);
        // A 同居人 partner is not the children's registered parent.
        let parents: Vec<usize> = if b.relation_of(p) == "同居人" {
            vec![h]
        } else {
            vec![h, p]
        };
        b.simple_kids(fam, ages, &parents);
    } else if r < 86 {
        let age = b.int(27, 52);
        let sex = b.sex(850);
        let h = b.add(fam, age, sex, "本人", true);
        let n = b.int(1, 2) as usize;
        let ages = b.kid_ages(n, 0, 20, age);
        b.simple_kids(fam, ages, &[h]);
    } else if r < 94 {
        let age = b.int(36, 55);
        let (h, p) = b.couple(fam, age, Sex::M, 30, 60);
        let youngest = b.age(h).min(b.age(p));
        let n = b.int(0, 2) as usize;
        let ages = b.kid_ages(n, 0, 20, youngest);
        let parents: Vec<usize> = if b.relation_of(p) == "同居人" {
            vec![h]
        } else {
            vec![h, p]
        };
        b.simple_kids(fam, ages, &parents);
        let mage = (age + b.int(24, 36)).min(96);
        let m = b.add(fam, mage, Sex::F, "母", true);
        b.parent(m, h);
        if b.chance(400) {
            let fage = (mage + b.int(-1, 5)).min(98);
            let f = b.add(fam, fage, Sex::M, "父", true);
            b.partners(f, m, "married");
            b.parent(f, h);
        }
    } else {
        let age = b.int(68, 85);
        let (h, p) = b.couple(fam, age, Sex::M, 64, 90);
        let youngest = b.age(h).min(b.age(p));
        let ages = b.kid_ages(1, 25, 50, youngest);
        b.simple_kids(fam, ages, &[h, p]);
    }
    Vec::new()
}

fn elderly_alone(b: &mut B) -> Vec<CaseSeed> {
    let fam = b.fam();
    let mut seeds = Vec::with_capacity(2);
    if b.chance(600) {
        let sex = b.sex(700);
        let age = b.int(70, 95);
        let h = b.add(fam, age, sex, "本人", true);
        let mut parents = vec![h];
        if sex == Sex::F && b.chance(450) {
            let hage = age + b.int(0, 5);
            let hu = b.add(fam, hage, Sex::M, "夫", false);
            b.partners(h, hu, "married");
            b.decease(hu, 1, 15);
            parents.push(hu);
        }
        let child = if b.chance(500) {
            b.away_child(fam, &parents, age)
        } else {
            None
        };
        let a = b.role_as(h, "本人");
        let kb = child.map(|c| b.role(c));
        seeds.push(seed(&specs::ELDERLY_ALONE, a, kb, None));
        if b.chance(80) {
            seeds.push(seed(&specs::CONSUMER_HARM, a, kb, None));
        }
    } else {
        let age = b.int(72, 92);
        let (h, w) = b.couple(fam, age, Sex::M, 68, 95);
        let youngest = b.age(h).min(b.age(w));
        let child = if b.chance(450) {
            b.away_child(fam, &[h, w], youngest)
        } else {
            None
        };
        // B is always someone living elsewhere in this kind; the spouse is C.
        let a = b.role_as(h, "本人");
        let kb = child.map(|c| b.role(c));
        let kc = Some(b.role(w));
        seeds.push(seed(&specs::ELDERLY_ALONE, a, kb, kc));
        if b.chance(80) {
            let wb = b.role(w);
            seeds.push(seed(&specs::CARE_NEED, wb, Some(b.role_as(h, "夫")), kb));
        }
    }
    seeds
}

fn rorou_kaigo(b: &mut B) -> Vec<CaseSeed> {
    let fam = b.fam();
    let age = b.int(75, 93);
    let h = b.add(fam, age, Sex::M, "本人", true);
    let wage = (age - b.int(-2, 6)).clamp(72, 95);
    let w = b.add(fam, wage, Sex::F, "妻", true);
    b.partners(h, w, "married");
    let youngest = age.min(wage);
    let child = if b.chance(500) {
        b.away_child(fam, &[h, w], youngest)
    } else {
        None
    };
    let husband = b.role_as(h, "夫");
    let wife = b.role_as(w, "妻");
    let (cared, carer) = if b.chance(550) {
        (husband, wife)
    } else {
        (wife, husband)
    };
    let kc = child.map(|c| b.role(c));
    let mut seeds = vec![seed(&specs::ROROU_KAIGO, cared, Some(carer), kc)];
    if b.chance(100) {
        seeds.push(seed(&specs::CARER, carer, Some(cared), kc));
    }
    seeds
}

fn dementia(b: &mut B) -> Vec<CaseSeed> {
    let fam = b.fam();
    let age = b.int(75, 95);
    let sex = b.sex(650);
    let h = b.add(fam, age, sex, "本人", true);
    let r = b.int(0, 99);
    let key = if r < 50 {
        if b.chance(800) {
            b.away_child(fam, &[h], age)
        } else {
            None
        }
    } else if r < 85 {
        let psex = opposite(sex);
        let page = b.partner_age(age, psex).clamp(70, 97);
        let p = b.add(fam, page, psex, spouse_word(psex), true);
        b.partners(h, p, "married");
        Some(p)
    } else {
        let cage = b.child_age(age, 45, 65);
        let csex = b.sex(550);
        let kid = Kid {
            age: cage,
            sex: csex,
            living: true,
            fam,
            tag: 0,
        };
        b.head_children(vec![kid], &[h]).first().map(|&(_, i)| i)
    };
    let a = b.role_as(h, "本人");
    let kb = key.map(|k| b.role(k));
    let mut seeds = vec![seed(&specs::DEMENTIA, a, kb, None)];
    if b.chance(100) {
        seeds.push(seed(&specs::CONSUMER_HARM, a, kb, None));
    }
    seeds
}

fn hachimaru(b: &mut B) -> Vec<CaseSeed> {
    let fam = b.fam();
    let psex = b.sex(650);
    let page = b.int(75, 90);
    let h = b.add(fam, page, psex, "本人", true);
    let mut parents = vec![h];
    let mut other = None;
    if b.chance(300) {
        let osex = opposite(psex);
        let oage = b.partner_age(page, osex).clamp(75, 90);
        let o = b.add(fam, oage, osex, spouse_word(osex), true);
        b.partners(h, o, "married");
        parents.push(o);
        other = Some(o);
    } else if b.chance(350) {
        let osex = opposite(psex);
        let oage = b.partner_age(page, osex).max(75);
        let o = b.add(fam, oage, osex, spouse_word(osex), false);
        b.partners(h, o, "married");
        b.decease(o, 1, 20);
        parents.push(o);
    }
    // Every parent counts, the deceased one too, so the register never shows a father only
    // a dozen years older than his son.
    let youngest = parents.iter().map(|&p| b.age(p)).min().unwrap_or(page);
    let cage = b.child_age(youngest, 45, 60);
    let csex = b.sex(350);
    let mut kids = vec![Kid {
        age: cage,
        sex: csex,
        living: true,
        fam,
        tag: 1,
    }];
    if b.chance(350) {
        let sage = b.child_age(youngest, 40, 62);
        let ssex = b.sex(550);
        let sfam = if ssex == Sex::F && b.chance(700) { b.fam() } else { fam };
        kids.push(Kid {
            age: sage,
            sex: ssex,
            living: false,
            fam: sfam,
            tag: 0,
        });
    }
    let placed = b.head_children(kids, &parents);
    let child = placed.iter().find(|k| k.0 == 1).map_or(h, |k| k.1);
    let a = b.role(child);
    let kb = b.role_as(h, parent_word(psex));
    let kc = other.map(|o| b.role_as(o, parent_word(b.sex_of(o))));
    let mut seeds = vec![seed(&specs::HACHIMARU, a, Some(kb), kc)];
    if b.chance(150) {
        seeds.push(seed(&specs::CARE_NEED, kb, Some(a), kc));
    }
    seeds
}

fn hikikomori(b: &mut B) -> Vec<CaseSeed> {
    let fam = b.fam();
    if b.chance(150) {
        // After the parents have died: a younger sibling is left with the withdrawn one.
        let hsex = b.sex(600);
        let hage = b.int(40, 60);
        let h = b.add(fam, hage, hsex, "本人", true);
        let asex = b.sex(300);
        let aage = (hage + b.int(2, 8)).min(66);
        let s = b.add(fam, aage, asex, sibling_word(asex, true), true);
        let a = b.role(s);
        let kb = b.role_as(h, sibling_word(hsex, false));
        return vec![seed(&specs::HIKIKOMORI, a, Some(kb), None)];
    }
    let psex = b.sex(600);
    let page = b.int(48, 75);
    let h = b.add(fam, page, psex, "本人", true);
    let mut parents = vec![h];
    if b.chance(600) {
        let osex = opposite(psex);
        let oage = b.partner_age(page, osex).clamp(45, 80);
        let o = b.add(fam, oage, osex, spouse_word(osex), true);
        b.partners(h, o, "married");
        parents.push(o);
    }
    let youngest = parents.iter().map(|&p| b.age(p)).min().unwrap_or(page);
    let aage = b.child_age(youngest, 18, 44);
    let asex = b.sex(300);
    let mut kids = vec![Kid {
        age: aage,
        sex: asex,
        living: true,
        fam,
        tag: 1,
    }];
    if b.chance(300) {
        let sage = b.child_age(youngest, 15, 40);
        let ssex = b.sex(500);
        kids.push(Kid {
            age: sage,
            sex: ssex,
            living: b.chance(500),
            fam,
            tag: 0,
        });
    }
    let placed = b.head_children(kids, &parents);
    let child = placed.iter().find(|k| k.0 == 1).map_or(h, |k| k.1);
    let a = b.role(child);
    // Mothers are usually the ones who come to the counter, so she is B when present.
    let mother = parents.iter().copied().find(|&p| b.sex_of(p) == Sex::F);
    let father = parents.iter().copied().find(|&p| b.sex_of(p) == Sex::M);
    let (kb, kc) = match (mother, father) {
        (Some(m), f) => (b.role_as(m, "母"), f.map(|f| b.role_as(f, "父"))),
        (None, _) => (b.role_as(h, "父"), None),
    };
    let mut seeds = vec![seed(&specs::HIKIKOMORI, a, Some(kb), kc)];
    if b.chance(100) {
        seeds.push(seed(&specs::DISABILITY_MENTAL, a, Some(kb), kc));
    }
    seeds
}

fn young_carer(b: &mut B) -> Vec<CaseSeed> {
    let fam = b.fam();
    let r = b.int(0, 99);
    if r >= 80 {
        // Grandparent variant: the teenager looks after a grandparent while the parent works.
        let gsex = b.sex(750);
        let gage = b.int(68, 88);
        let g = b.add(fam, gage, gsex, "本人", true);
        let mage = b.child_age(gage, 33, 50);
        let mfam = if b.chance(600) { fam } else { b.fam() };
        let m = b.head_children(
            vec![Kid {
                age: mage,
                sex: Sex::F,
                living: true,
                fam: mfam,
                tag: 0,
            }],
            &[g],
        );
        let m = m.first().map_or(g, |k| k.1);
        let cage = b.child_age(mage, 10, 17);
        let csex = b.sex(600);
        let cfam = if b.chance(800) { mfam } else { b.fam() };
        let c = b.add(cfam, cage, csex, "孫", true);
        b.parent(m, c);
        let a = b.role(c);
        let kb = b.role_as(g, grandparent_word(gsex));
        let kc = b.role_as(m, "母");
        return vec![seed(&specs::YOUNG_CARER_GRAND, a, Some(kb), Some(kc))];
    }
    let (parents, ill) = if r < 55 {
        let psex = b.sex(800);
        let page = b.int(30, 52);
        let h = b.add(fam, page, psex, "本人", true);
        (vec![h], h)
    } else {
        let page = b.int(35, 55);
        let (h, w) = b.couple(fam, page, Sex::M, 30, 55);
        let ill = if b.chance(600) { w } else { h };
        if b.relation_of(w) == "同居人" {
            (vec![h], h)
        } else {
            (vec![h, w], ill)
        }
    };
    let youngest = parents.iter().map(|&p| b.age(p)).min().unwrap_or(40);
    let cage = b.child_age(youngest, 10, 17);
    let csex = b.sex(600);
    let mut kids = vec![Kid {
        age: cage,
        sex: csex,
        living: true,
        fam,
        tag: 1,
    }];
    if b.chance(600) {
        let sage = b.int(2, cage - 1);
        let ssex = b.sex(500);
        kids.push(Kid {
            age: sage,
            sex: ssex,
            living: true,
            fam,
            tag: 2,
        });
    }
    let placed = b.head_children(kids, &parents);
    let carer = placed.iter().find(|k| k.0 == 1).map_or(0, |k| k.1);
    let sib = placed.iter().find(|k| k.0 == 2).map(|k| k.1);
    let a = b.role(carer);
    let kb = b.role_as(ill, parent_word(b.sex_of(ill)));
    let kc = sib.map(|s| b.role(s));
    let mut seeds = vec![seed(&specs::YOUNG_CARER, a, Some(kb), kc)];
    if b.chance(120) {
        seeds.push(seed(&specs::NON_ATTENDANCE, a, Some(kb), kc));
    }
    seeds
}

fn youth_carer(b: &mut B) -> Vec<CaseSeed> {
    let fam = b.fam();
    let psex = b.sex(550);
    let page = b.int(50, 75);
    let h = b.add(fam, page, psex, "本人", true);
    let cage = b.child_age(page, 18, 39);
    let csex = b.sex(600);
    let placed = b.head_children(
        vec![Kid {
            age: cage,
            sex: csex,
            living: true,
            fam,
            tag: 1,
        }],
        &[h],
    );
    let c = placed.first().map_or(h, |k| k.1);
    let a = b.role(c);
    let kb = b.role_as(h, parent_word(psex));
    vec![seed(&specs::YOUTH_CARER, a, Some(kb), None)]
}

fn carer(b: &mut B) -> Vec<CaseSeed> {
    let fam = b.fam();
    if b.chance(600) {
        let psex = b.sex(650);
        let page = b.int(72, 95);
        let h = b.add(fam, page, psex, "本人", true);
        let cage = b.child_age(page, 40, 65);
        let csex = b.sex(650);
        let placed = b.head_children(
            vec![Kid {
                age: cage,
                sex: csex,
                living: true,
                fam,
                tag: 1,
            }],
            &[h],
        );
        let c = placed.first().map_or(h, |k| k.1);
        let a = b.role(c);
        let kb = b.role_as(h, parent_word(psex));
        return vec![seed(&specs::CARER, a, Some(kb), None)];
    }
    let hsex = b.sex(650);
    let hage = b.int(45, 65);
    let h = if b.chance(550) {
        b.couple(fam, hage, hsex, 40, 70).0
    } else {
        b.add(fam, hage, hsex, "本人", true)
    };
    let has_spouse = b.members.len() > 1;
    let psex = b.sex(700);
    let page = (hage + b.int(22, 35)).clamp(70, 97);
    // A married woman's parent carries her maiden name.
    let pfam = if hsex == Sex::F && has_spouse && b.chance(800) {
        b.fam()
    } else {
        fam
    };
    let p = b.add(pfam, page, psex, parent_word(psex), true);
    b.parent(p, h);
    let a = b.role_as(h, "本人");
    let kb = b.role(p);
    vec![seed(&specs::CARER, a, Some(kb), None)]
}

fn double_care(b: &mut B) -> Vec<CaseSeed> {
    let fam = b.fam();
    let maiden = b.fam();
    let carer_age = b.int(32, 48);
    let husband_age = (carer_age + b.int(-2, 6)).max(30);
    let variant = b.int(0, 2);
    let (h, w) = if variant == 1 {
        let w = b.add(fam, carer_age, Sex::F, "本人", true);
        let h = b.add(fam, husband_age, Sex::M, "夫", true);
        b.partners(w, h, "married");
        (h, w)
    } else {
        let h = b.add(fam, husband_age, Sex::M, "本人", true);
        let w = b.add(fam, carer_age, Sex::F, "妻", true);
        b.partners(h, w, "married");
        (h, w)
    };
    // Whose parent needs care: the carer's own (variants 0 and 1) or her husband's (2).
    let (elder_child, elder_fam) = match variant {
        0 => (w, maiden),
        1 => (w, if b.chance(800) { maiden } else { fam }),
        _ => (h, fam),
    };
    let base = b.age(elder_child);
    let esex = b.sex(700);
    let eage = b.int((base + 25).max(65), (base + 38).min(92));
    let living = b.chance(600);
    let (erel, elabel) = match variant {
        0 => (in_law_word(esex), parent_word(esex)),
        1 => (parent_word(esex), parent_word(esex)),
        _ => (parent_word(esex), in_law_word(esex)),
    };
    let e = b.add(elder_fam, eage, esex, erel, living);
    b.parent(e, elder_child);
    let r = b.int(0, 99);
    if r < 45 {
        let osex = opposite(esex);
        let oage = b.partner_age(eage, osex).clamp(base + 20, 97);
        let orel = if variant == 0 {
            in_law_word(osex)
        } else {
            parent_word(osex)
        };
        let o = b.add(elder_fam, oage, osex, orel, false);
        b.parent(o, elder_child);
        if r < 20 {
            b.partners(e, o, "divorced");
        } else {
            b.partners(e, o, "married");
            b.decease(o, 1, 12);
        }
    }
    let youngest = carer_age.min(husband_age);
    let n = util::weighted(b.rng, &[(1usize, 40), (2, 45), (3, 15)]);
    let ages = b.kid_ages(n, 0, 12, youngest);
    let parents = if variant == 1 { [w, h] } else { [h, w] };
    let kids = b.simple_kids(fam, ages, &parents);
    let a = b.role_as(w, if variant == 1 { "本人" } else { "妻" });
    let kb = b.role_as(e, elabel);
    let kc = kids.last().map(|&k| b.role(k));
    let mut seeds = vec![seed(&specs::DOUBLE_CARE, a, Some(kb), kc)];
    let developmental = kc.filter(|c| b.age(c.idx) >= 3).filter(|_| b.chance(120));
    if let Some(c) = developmental {
        seeds.push(seed(&specs::DEVELOPMENTAL, c, Some(b.role_as(w, "母")), None));
    }
    seeds
}

fn single_parent(b: &mut B) -> Vec<CaseSeed> {
    let fam = b.fam();
    let psex = b.sex(850);
    let page = b.int(22, 52);
    let h = b.add(fam, page, psex, "本人", true);
    // After divorce the mother often returns to her maiden name while the children stay in the
    // father's 戸籍 until someone files the change.
    let kfam = if b.chance(200) { b.fam() } else { fam };
    let n = util::weighted(b.rng, &[(1usize, 45), (2, 40), (3, 15)]);
    let ages = b.kid_ages(n, 0, 18, page);
    let ages = if ages.is_empty() { vec![0] } else { ages };
    let kids = b.simple_kids(kfam, ages, &[h]);
    let a = b.role_as(h, "本人");
    let kc = kids.last().map(|&k| b.role(k));
    let mut seeds = vec![seed(&specs::SINGLE_PARENT, a, None, kc)];
    if b.chance(130) {
        let pw = parent_word(psex);
        if let Some(&k) = kids.iter().find(|&&k| (8..=15).contains(&b.age(k))) {
            seeds.push(seed(&specs::NON_ATTENDANCE, b.role(k), Some(b.role_as(h, pw)), None));
        } else if let Some(&k) = kids.iter().find(|&&k| (3..=12).contains(&b.age(k))) {
            seeds.push(seed(&specs::DEVELOPMENTAL, b.role(k), Some(b.role_as(h, pw)), None));
        }
    }
    seeds
}

fn poverty(b: &mut B) -> Vec<CaseSeed> {
    let fam = b.fam();
    let r = b.int(0, 99);
    let (h, spouse, kid) = if r < 55 {
        let age = b.int(30, 72);
        let sex = b.sex(450);
        (b.add(fam, age, sex, "本人", true), None, None)
    } else if r < 75 {
        let age = b.int(40, 70);
        let (h, p) = b.couple(fam, age, Sex::M, 35, 75);
        (h, Some(p), None)
    } else {
        let age = b.int(30, 50);
        let (h, p) = b.couple(fam, age, Sex::M, 26, 55);
        let youngest = b.age(h).min(b.age(p));
        let n = b.int(1, 2) as usize;
        let ages = b.kid_ages(n, 0, 17, youngest);
        let parents: Vec<usize> = if b.relation_of(p) == "同居人" {
            vec![h]
        } else {
            vec![h, p]
        };
        let kids = b.simple_kids(fam, ages, &parents);
        (h, Some(p), kids.last().copied())
    };
    let a = b.role_as(h, "本人");
    let kb = spouse.map(|s| b.role(s));
    let kc = kid.map(|k| b.role(k));
    vec![seed(&specs::POVERTY, a, kb, kc)]
}

fn child_abuse(b: &mut B) -> Vec<CaseSeed> {
    let fam = b.fam();
    let mage = b.int(20, 42);
    let r = b.int(0, 99);
    let (mother, parents, third) = if r < 45 {
        let hage = (mage + b.int(-2, 6)).max(20);
        let h = b.add(fam, hage, Sex::M, "本人", true);
        let m = b.add(fam, mage, Sex::F, "妻", true);
        b.partners(h, m, "married");
        (m, vec![h, m], Some((h, "父")))
    } else if r < 75 {
        let m = b.add(fam, mage, Sex::F, "本人", true);
        let other = b.fam();
        let page = (mage + b.int(-3, 8)).max(18);
        let p = b.add(other, page, Sex::M, "同居人", true);
        b.partners(m, p, "cohabiting");
        (m, vec![m], Some((p, "同居男性")))
    } else {
        let m = b.add(fam, mage, Sex::F, "本人", true);
        (m, vec![m], None)
    };
    let youngest = parents.iter().map(|&p| b.age(p)).min().unwrap_or(mage);
    let n = util::weighted(b.rng, &[(1usize, 45), (2, 40), (3, 15)]);
    let ages = b.kid_ages(n, 1, 15, youngest);
    let ages = if ages.is_empty() { vec![1] } else { ages };
    let kids = b.simple_kids(fam, ages, &parents);
    let victim = if kids.is_empty() {
        mother
    } else {
        util::pick(b.rng, &kids)
    };
    let a = b.role(victim);
    let kb = b.role_as(mother, "母");
    let kc = third.map(|(i, l)| b.role_as(i, l));
    let mut seeds = vec![seed(&specs::CHILD_ABUSE, a, Some(kb), kc)];
    if b.age(victim) >= 3 && b.chance(80) {
        seeds.push(seed(&specs::DEVELOPMENTAL, a, Some(kb), None));
    }
    seeds
}

fn elder_abuse(b: &mut B) -> Vec<CaseSeed> {
    let fam = b.fam();
    let esex = b.sex(700);
    let eage = b.int(75, 92);
    let h = b.add(fam, eage, esex, "本人", true);
    let mut parents = vec![h];
    if b.chance(400) {
        let osex = opposite(esex);
        let oage = b.partner_age(eage, osex).max(70);
        let o = b.add(fam, oage, osex, spouse_word(osex), false);
        b.partners(h, o, "married");
        b.decease(o, 1, 15);
        parents.push(o);
    }
    let youngest = parents.iter().map(|&p| b.age(p)).min().unwrap_or(eage);
    let cage = b.child_age(youngest, 40, 62);
    let csex = b.sex(350);
    let placed = b.head_children(
        vec![Kid {
            age: cage,
            sex: csex,
            living: true,
            fam,
            tag: 1,
        }],
        &parents,
    );
    let c = placed.first().map_or(h, |k| k.1);
    let a = b.role_as(h, "本人");
    let kb = b.role(c);
    vec![seed(&specs::ELDER_ABUSE, a, Some(kb), None)]
}

fn dv(b: &mut B) -> Vec<CaseSeed> {
    let fam = b.fam();
    let vage = b.int(22, 55);
    let h = b.add(fam, vage, Sex::F, "本人", true);
    let hage = (vage + b.int(-2, 8)).max(20);
    let hu = b.add(fam, hage, Sex::M, "夫", false);
    b.partners(h, hu, "separated");
    let kids = if b.chance(700) {
        let n = b.int(1, 2) as usize;
        let ages = b.kid_ages(n, 0, 17, vage.min(hage));
        b.simple_kids(fam, ages, &[h, hu])
    } else {
        Vec::new()
    };
    let a = b.role_as(h, "本人");
    let kb = b.role_as(hu, "夫");
    let kc = kids.last().map(|&k| b.role(k));
    let mut seeds = vec![seed(&specs::DV, a, Some(kb), kc)];
    if let Some(c) = kc.filter(|_| b.chance(120)) {
        seeds.push(seed(&specs::CHILD_ABUSE, c, Some(b.role_as(h, "母")), Some(kb)));
    }
    seeds
}

/// Parents plus children with one child (the subject) in the age band `lo..=hi`.
fn family_with_subject(b: &mut B, lo: i32, hi: i32) -> (usize, Role) {
    let fam = b.fam();
    let (parents, mother) = if b.chance(700) {
        let age = b.int(lo + 24, (hi + 38).min(55));
        let (h, w) = b.married(fam, age, Sex::M, lo + 20, 58);
        (vec![h, w], w)
    } else {
        let sex = b.sex(800);
        let age = b.int(lo + 24, (hi + 38).min(52));
        let h = b.add(fam, age, sex, "本人", true);
        (vec![h], h)
    };
    let youngest = parents.iter().map(|&p| b.age(p)).min().unwrap_or(40);
    let aage = b.child_age(youngest, lo, hi);
    let asex = b.sex(450);
    let mut kids = vec![Kid {
        age: aage,
        sex: asex,
        living: true,
        fam,
        tag: 1,
    }];
    let n = util::weighted(b.rng, &[(0usize, 40), (1, 45), (2, 15)]);
    for _ in 0..n {
        let sage = b.child_age(youngest, 0, 20);
        let ssex = b.sex(500);
        kids.push(Kid {
            age: sage,
            sex: ssex,
            living: true,
            fam,
            tag: 0,
        });
    }
    let placed = b.head_children(kids, &parents);
    let subject = placed.iter().find(|k| k.0 == 1).map_or(0, |k| k.1);
    let mlabel = parent_word(b.sex_of(mother));
    (subject, b.role_as(mother, mlabel))
}

fn non_attendance(b: &mut B) -> Vec<CaseSeed> {
    let (subject, parent) = family_with_subject(b, 8, 15);
    let a = b.role(subject);
    let mut seeds = vec![seed(&specs::NON_ATTENDANCE, a, Some(parent), None)];
    if b.chance(120) {
        seeds.push(seed(&specs::DEVELOPMENTAL, a, Some(parent), None));
    }
    seeds
}

fn developmental(b: &mut B) -> Vec<CaseSeed> {
    let (subject, parent) = family_with_subject(b, 3, 12);
    let a = b.role(subject);
    vec![seed(&specs::DEVELOPMENTAL, a, Some(parent), None)]
}

fn medical_care_child(b: &mut B) -> Vec<CaseSeed> {
    let (subject, parent) = family_with_subject(b, 0, 10);
    let a = b.role(subject);
    let sib = (0..b.members.len())
        .find(|&i| i != subject && b.age(i) < 18)
        .map(|i| b.role(i));
    vec![seed(&specs::MEDICAL_CARE_CHILD, a, Some(parent), sib)]
}

fn hoarding(b: &mut B) -> Vec<CaseSeed> {
    let fam = b.fam();
    let sex = b.sex(500);
    let age = b.int(60, 88);
    let h = b.add(fam, age, sex, "本人", true);
    let sib = if b.chance(350) {
        let older = b.chance(400);
        let ssex = b.sex(550);
        let sage = if older { age + b.int(2, 8) } else { age - b.int(2, 10) };
        let sfam = if ssex == Sex::F && b.chance(600) { b.fam() } else { fam };
        Some(b.add(sfam, sage, ssex, sibling_word(ssex, older), false))
    } else {
        None
    };
    let a = b.role_as(h, "本人");
    let kb = sib.map(|s| b.role(s));
    vec![seed(&specs::HOARDING, a, kb, None)]
}

fn disability_mental(b: &mut B) -> Vec<CaseSeed> {
    let fam = b.fam();
    if b.chance(500) {
        let sex = b.sex(500);
        let age = b.int(25, 60);
        let h = b.add(fam, age, sex, "本人", true);
        let parent = if b.chance(400) {
            let psex = b.sex(600);
            let page = (age + b.int(22, 35)).min(95);
            let p = b.add(fam, page, psex, parent_word(psex), false);
            b.parent(p, h);
            Some(p)
        } else {
            None
        };
        let a = b.role_as(h, "本人");
        let kb = parent.map(|p| b.role(p));
        return vec![seed(&specs::DISABILITY_MENTAL, a, kb, None)];
    }
    let psex = b.sex(600);
    let page = b.int(55, 85);
    let h = b.add(fam, page, psex, "本人", true);
    let mut parents = vec![h];
    let mut other = None;
    if b.chance(500) {
        let osex = opposite(psex);
        let oage = b.partner_age(page, osex).clamp(50, 90);
        let o = b.add(fam, oage, osex, spouse_word(osex), true);
        b.partners(h, o, "married");
        parents.push(o);
        other = Some(o);
    }
    let youngest = parents.iter().map(|&p| b.age(p)).min().unwrap_or(page);
    let aage = b.child_age(youngest, 25, 55);
    let asex = b.sex(450);
    let placed = b.head_children(
        vec![Kid {
            age: aage,
            sex: asex,
            living: true,
            fam,
            tag: 1,
        }],
        &parents,
    );
    let c = placed.first().map_or(h, |k| k.1);
    let a = b.role(c);
    let kb = b.role_as(h, parent_word(psex));
    let kc = other.map(|o| b.role_as(o, parent_word(b.sex_of(o))));
    vec![seed(&specs::DISABILITY_MENTAL, a, Some(kb), kc)]
}

fn vulnerable_mutual(b: &mut B) -> Vec<CaseSeed> {
    let fam = b.fam();
    if b.chance(700) {
        let psex = b.sex(700);
        let page = b.int(65, 88);
        let h = b.add(fam, page, psex, "本人", true);
        let cage = b.child_age(page, 30, 58);
        let csex = b.sex(450);
        let placed = b.head_children(
            vec![Kid {
                age: cage,
                sex: csex,
                living: true,
                fam,
                tag: 1,
            }],
            &[h],
        );
        let c = placed.first().map_or(h, |k| k.1);
        let a = b.role(c);
        let kb = b.role_as(h, parent_word(psex));
        let mut seeds = vec![seed(&specs::VULNERABLE_MUTUAL, a, Some(kb), None)];
        if b.chance(120) {
            seeds.push(seed(&specs::CARE_NEED, kb, Some(a), None));
        }
        return seeds;
    }
    let hsex = b.sex(550);
    let hage = b.int(55, 75);
    let h = b.add(fam, hage, hsex, "本人", true);
    let ssex = b.sex(450);
    let sage = hage - b.int(2, 10);
    let s = b.add(fam, sage, ssex, sibling_word(ssex, false), true);
    let a = b.role(s);
    let kb = b.role_as(h, sibling_word(hsex, true));
    vec![seed(&specs::VULNERABLE_MUTUAL, a, Some(kb), None)]
}

fn foreign_resident(b: &mut B) -> Vec<CaseSeed> {
    let age = b.int(28, 50);
    let (h, p, subject, kfam) = if b.chance(600) {
        let ffam = b.foreign_fam();
        let hsex = b.sex(350);
        let h = b.add(ffam, age, hsex, "本人", true);
        let psex = opposite(hsex);
        let page = b.partner_age(age, psex).clamp(22, 55);
        let p = b.add(ffam, page, psex, spouse_word(psex), true);
        b.partners(h, p, "married");
        (h, p, h, ffam)
    } else {
        // International marriage: the foreign wife keeps her own surname, the children take the
        // Japanese father's.
        let jfam = b.fam();
        let h = b.add(jfam, age, Sex::M, "本人", true);
        let ffam = b.foreign_fam();
        let page = b.partner_age(age, Sex::F).clamp(22, 55);
        let p = b.add(ffam, page, Sex::F, "妻", true);
        b.partners(h, p, "married");
        (h, p, p, jfam)
    };
    let youngest = b.age(h).min(b.age(p));
    let n = b.int(1, 2) as usize;
    let ages = b.kid_ages(n, 0, 15, youngest);
    let kids = b.simple_kids(kfam, ages, &[h, p]);
    let (a, kb) = if subject == h {
        (b.role_as(h, "本人"), b.role(p))
    } else {
        (b.role(p), b.role_as(h, "夫"))
    };
    let kc = kids.last().map(|&k| b.role(k));
    vec![seed(&specs::FOREIGN_RESIDENT, a, Some(kb), kc)]
}

fn consumer_harm(b: &mut B) -> Vec<CaseSeed> {
    let fam = b.fam();
    let sex = b.sex(650);
    let age = b.int(72, 92);
    let h = b.add(fam, age, sex, "本人", true);
    let key = if b.chance(650) {
        b.away_child(fam, &[h], age)
    } else {
        let psex = opposite(sex);
        let page = b.partner_age(age, psex).clamp(68, 95);
        let p = b.add(fam, page, psex, spouse_word(psex), true);
        b.partners(h, p, "married");
        Some(p)
    };
    let a = b.role_as(h, "本人");
    let kb = key.map(|k| b.role(k));
    vec![seed(&specs::CONSUMER_HARM, a, kb, None)]
}

fn isolation(b: &mut B) -> Vec<CaseSeed> {
    let fam = b.fam();
    let sex = b.sex(400);
    let age = b.int(40, 85);
    let h = b.add(fam, age, sex, "本人", true);
    let sib = if b.chance(400) {
        let older = b.chance(500);
        let ssex = b.sex(500);
        let sage = if older {
            age + b.int(2, 8)
        } else {
            (age - b.int(2, 8)).max(30)
        };
        let sfam = if ssex == Sex::F && b.chance(600) { b.fam() } else { fam };
        Some(b.add(sfam, sage, ssex, sibling_word(ssex, older), false))
    } else {
        None
    };
    let a = b.role_as(h, "本人");
    let kb = sib.map(|s| b.role(s));
    vec![seed(&specs::ISOLATION, a, kb, None)]
}

fn reoffending(b: &mut B) -> Vec<CaseSeed> {
    let fam = b.fam();
    let sex = b.sex(150);
    let age = b.int(25, 65);
    let h = b.add(fam, age, sex, "本人", true);
    let parent = if b.chance(400) {
        let psex = b.sex(650);
        let page = (age + b.int(22, 34)).min(94);
        let p = b.add(fam, page, psex, parent_word(psex), false);
        b.parent(p, h);
        Some(p)
    } else {
        None
    };
    let a = b.role_as(h, "本人");
    let kb = parent.map(|p| b.role(p));
    vec![seed(&specs::REOFFENDING, a, kb, None)]
}

fn housing(b: &mut B) -> Vec<CaseSeed> {
    let fam = b.fam();
    let age = if b.chance(700) { b.int(62, 90) } else { b.int(30, 61) };
    let sex = b.sex(550);
    let (h, p) = if b.chance(300) {
        let (h, p) = b.couple(fam, age, sex, 25, 92);
        (h, Some(p))
    } else {
        (b.add(fam, age, sex, "本人", true), None)
    };
    let a = b.role_as(h, "本人");
    let kb = p.map(|p| b.role(p));
    vec![seed(&specs::HOUSING, a, kb, None)]
}
