//! 支援経過 text: case titles and contact-log entries composed from the case kind's sentence
//! material plus shared openers, follow-ups and meeting outcomes. Guarantees 1–4 sentences per
//! entry, every placeholder filled (no braces survive), and templates that name a person or an
//! age band only used when the case has that person in that band.
//!
//! Placeholders: {A} {B} {C} (people as the worker calls them), {A歳} {B歳} {C歳} (with age),
//! {A学年} {C学年} (school year), {状態} (the case's circumstance), {持病} (an ailment),
//! {サ} (a care service), {他} (another agency on the case that keeps records: no doctors,
//! schools or 民生委員, who do not hold meetings in the office or send minutes), {関} (any other
//! agency on the case), {出席} (meeting attendees), {額} {不足} {所持金} {契約額} (sums of
//! money at the scale each sentence needs), {月数} {曜} {時} {回} {日後} {日数} {件} (spans,
//! days, counts), {近所} (who raised the alarm), {認定} (care level), {場} (a gathering place).
//! A template may start with one marker: [幼] A is under school age, [学] A is of school age,
//! [C幼] and [C学] the same for C, [大] A is 13 or older, [本] A is the registered 本人.

use super::specs::{Group, Spec};
use super::util::{self, Rng};

#[derive(Clone, Copy)]
pub(super) struct Who {
    pub label: &'static str,
    pub age: i32,
}

pub(super) struct Ctx<'a> {
    pub a: Who,
    pub b: Option<Who>,
    pub c: Option<Who>,
    pub cond: &'static str,
    pub b_contact: bool,
    /// Lead first, then supporting agencies.
    pub agencies: &'a [&'static str],
}

/// Which templates a case has already used, so ten entries in one case rarely repeat a line.
#[derive(Default)]
pub(super) struct Memo {
    observe: u64,
    group: u64,
    plan: u64,
}

/// Ages by birth year only, so 6 may be either side of school entry; it gets neither band.
const PRESCHOOL_MAX: i32 = 5;
const SCHOOL: std::ops::RangeInclusive<i32> = 7..=18;

fn split_marker(tpl: &'static str) -> (&'static str, &'static str) {
    let open = tpl
        .strip_prefix('[')
        .and_then(|rest| rest.find(']').map(|end| (rest, end)));
    match open {
        Some((rest, end)) => (&rest[..end], &rest[end + ']'.len_utf8()..]),
        None => ("", tpl),
    }
}

impl Ctx<'_> {
    fn fits(&self, tpl: &'static str) -> bool {
        let (marker, body) = split_marker(tpl);
        let band = |who: Option<Who>, school: bool| {
            who.is_some_and(|w| {
                if school {
                    SCHOOL.contains(&w.age)
                } else {
                    w.age <= PRESCHOOL_MAX
                }
            })
        };
        let marker_ok = match marker {
            "幼" => band(Some(self.a), false),
            "学" => band(Some(self.a), true),
            "C幼" => band(self.c, false),
            "C学" => band(self.c, true),
            "大" => self.a_acts(),
            "本" => self.a.label == "本人",
            "連" => self.b_contact,
            _ => true,
        };
        marker_ok && (self.b.is_some() || !body.contains("{B")) && (self.c.is_some() || !body.contains("{C"))
    }

    /// Whether A can plausibly phone or walk into the office alone.
    fn a_acts(&self) -> bool {
        self.a.age >= 13
    }
}

fn pick_fit(rng: &mut Rng, pool: &'static [&'static str], ctx: &Ctx) -> Option<&'static str> {
    if pool.is_empty() {
        return None;
    }
    for _ in 0..6 {
        let t = util::pick(rng, pool);
        if ctx.fits(t) {
            return Some(split_marker(t).1);
        }
    }
    pool.iter().copied().find(|t| ctx.fits(t)).map(|t| split_marker(t).1)
}

/// Like `pick_fit` but skips templates already used in this case while unused ones remain.
fn pick_fresh(rng: &mut Rng, pool: &'static [&'static str], ctx: &Ctx, used: &mut u64) -> Option<&'static str> {
    if pool.is_empty() {
        return None;
    }
    let start = util::between(rng, 0, pool.len() as i32 - 1) as usize;
    for k in 0..pool.len() {
        let i = (start + k) % pool.len();
        let bit = if i < 64 { 1u64 << i } else { 0 };
        if *used & bit != 0 {
            continue;
        }
        if ctx.fits(pool[i]) {
            *used |= bit;
            return Some(split_marker(pool[i]).1);
        }
    }
    None
}

const VISIT_A: &[&str] = &[
    "[本]{A}宅を訪問。",
    "約束の時間に訪問し、{A}と面談。",
    "{時}、自宅を訪問。{A}在宅。",
];
const VISIT_B: &[&str] = &["{時}に訪問し、{B}と面談。", "自宅を訪問し、{B}から近況を聞き取り。"];
const VISIT_N: &[&str] = &[
    "{時}、自宅を訪問。",
    "{他}と同行訪問。",
    "定期訪問。",
    "民生委員と一緒に訪問。",
    "事前に連絡のうえ家庭訪問。",
];
const OFFICE_A: &[&str] = &[
    "[連]{A}と{B}がそろって来所。",
    "{A}が来所し、窓口で面談。",
    "{A}が来所。相談室で1時間ほど面談。",
    "予約なしで{A}が来所。",
];
const OFFICE_B: &[&str] = &["{B}が来所。", "予約なしで{B}が来所。", "{B}が来所し、相談室で面談。"];
const OFFICE_N: &[&str] = &["{他}と窓口で打ち合わせ。"];
const PHONE_A: &[&str] = &[
    "{A}より電話あり。",
    "{A}へ電話し、近況を確認。",
    "{A}から折り返しの電話あり。",
];
const PHONE_B: &[&str] = &["{B}より電話あり。", "{B}へ電話。", "{B}から相談の電話。"];
const PHONE_N: &[&str] = &["{関}より電話。", "{関}へ電話で状況を確認。", "{関}から報告の電話あり。"];
const PHONE_MISSED: &[&str] = &[
    "[大]{A}へ架電したが応答なし。留守番電話にメッセージを残す。",
    "[連]{B}へ電話したがつながらず。{曜}に再度かける。",
    "[大]{A}へ電話したが話し中。夕方に再度かけたが不在。",
    "{関}へ電話したが担当者不在。折り返しを依頼。",
];
const EMAIL: &[&str] = &[
    "{他}よりメールで報告あり。",
    "{他}へメールで経過を共有。",
    "{他}から状況確認のメールあり。",
    "{他}へ会議資料をメールで送付。",
];
const EMAIL_B: &[&str] = &["{B}からメールで相談あり。", "{B}へメールで日程を連絡。"];
const MEETING: &[&str] = &[
    "支援会議を開催（出席：{出席}）。",
    "{他}とケース検討を行った。",
    "重層的支援会議で本ケースを検討。",
    "個別ケース会議を開催（出席：{出席}）。",
    "サービス担当者会議に出席。",
    "関係機関の打ち合わせ（出席：{出席}）。",
];
const MEETING_DECIDE: &[&str] = &[
    "役割分担を確認し、{他}が主な窓口となる。",
    "当面は見守りを継続する方針。",
    "緊急時の連絡体制を確認した。",
    "{月数}後に再度検討する。",
    "支援プランを一部修正した。",
    "各機関が把握している情報を共有した。",
    "[大]{A}の意向を尊重しながら支援を進めることを確認した。",
    "次回会議までに{他}が家庭の状況を確認する。",
];
const OTHER: &[&str] = &[
    "関係機関へ情報提供書を送付。",
    "{他}への引き継ぎ資料を作成。",
    "支援プランを見直し、目標を更新。",
    "ケース記録を整理。",
    "{関}から届いた書類を確認。",
    "[大]{A}宛てに案内文を郵送。",
];
const INTERNAL: &[&str] = &[
    "【内部メモ】",
    "係内で対応を協議。",
    "担当者間で方針を確認。",
    "所内ケース検討。",
    "課長に経過を報告。",
];
const INTERNAL_TAIL: &[&str] = &[
    "{A}への伝え方は次回までに検討する。",
    "他機関への共有は同意の範囲を確認してから行う。",
    "記録は内部限り。",
    "担当者の負担が大きく、複数担当制を検討する。",
];
const ACCOMPANY_GENERIC: &[&str] = &["{A}の通院", "{A}の市役所での手続き"];

const ELDER_OBS: &[&str] = &[
    "{A}の食欲はあり、顔色も良い。",
    "{A}は最近自宅で転倒したが、大きなけがはなかったとのこと。",
    "訪問時、{A}はテレビを見て過ごしていた。",
    "かかりつけ医には月1回通院している。",
    "{A}は「人の世話にはなりたくない」と話す。",
    "服薬は概ねできている様子。",
    "室内は整頓されている。",
    "{A}の{持病}の経過は安定している。",
    "{A}は耳が遠く、筆談を交えて話した。",
    "通院のタクシー代の負担が大きいとのこと。",
];
const CHILD_OBS: &[&str] = &[
    "[学]{A}は元気に挨拶してくれた。",
    "[幼]{A}は機嫌よく遊んでいた。",
    "[学]学校生活は落ち着いているとのこと。",
    "{B}は寝不足が続いていると話す。",
    "[学]{A}は好きなアニメの話をしてくれた。",
    "{B}は前回より表情が明るかった。",
    "[幼]{A}の身長と体重は順調に増えている。",
];
const ADULT_OBS: &[&str] = &[
    "{A}の表情は前回より明るかった。",
    "{A}は約束の日時をきちんと覚えていた。",
    "体調は横ばいとのこと。",
    "{A}は「少しずつやってみる」と話した。",
    "生活リズムは安定してきている。",
    "{A}は疲れた様子で口数が少なかった。",
    "前回話した内容を{A}はよく覚えていた。",
    "{A}は前回の面談後、自分で窓口に問い合わせをしていた。",
];
const PLAN: &[&str] = &[
    "次回は{日後}に訪問予定。",
    "{関}と情報共有する。",
    "引き続き見守り。",
    "次回は民生委員と同行訪問の予定。",
    "{曜}に再度電話する。",
    "経過を見て支援会議の開催を検討。",
    "状況に変化があれば連絡をもらうよう依頼した。",
    "{日後}に再度来所予定。",
    "次回面談は{日後}。",
    "{関}に状況確認を依頼した。",
];
const INTAKE_GENERIC: &[&str] = &["{関}より相談あり。", "[連]{B}が来所し相談。"];
const INTAKE_NEXT: &[&str] = &[
    "まずは{A}の状況把握のため訪問日を調整する。",
    "初回面談の日程を調整。",
    "関係機関からの情報収集を行う。",
    "受付票を作成し、係内で共有。",
    "[大]{A}の同意を得て関係機関に照会する。",
];
const CLOSE_GENERIC: &[&str] = &[
    "支援目標を達成したため終結とする。",
    "転居のため終結。転居先の自治体へ情報提供済み。",
    "状況が安定し、{関}の見守りに移行して終結。",
    "本人の意向により支援を終了。必要時は再相談できることを伝えた。",
];
const CLOSE_TAIL: &[&str] = &["関係機関へ終結を連絡済み。", "終結について係内で確認済み。"];

const AILMENTS: &[&str] = &[
    "腰痛",
    "膝の痛み",
    "高血圧",
    "糖尿病",
    "心不全",
    "不整脈",
    "白内障",
    "骨粗しょう症",
    "慢性腎臓病",
    "COPD",
    "関節リウマチ",
    "脊柱管狭窄症",
    "貧血",
    "喘息",
];
const SERVICES: &[&str] = &[
    "デイサービス",
    "訪問介護",
    "ショートステイ",
    "訪問看護",
    "配食サービス",
    "訪問入浴",
    "デイケア",
];
const WEEKDAYS: &[&str] = &["月曜", "火曜", "水曜", "木曜", "金曜", "土曜"];
const TIMES: &[&str] = &["午前中", "午後", "夕方", "10時頃", "14時頃", "16時頃", "9時半頃"];
const FREQ: &[&str] = &["週1回", "週2回", "週3回", "月2回", "月1回"];
const WHEN: &[&str] = &["1週間後", "2週間後", "来週", "来月上旬", "月末", "10日後"];
const DAYS: &[&str] = &["3日分", "5日分", "1週間分"];
const NEIGHBOURS: &[&str] = &[
    "近隣住民",
    "自治会長",
    "マンションの管理人",
    "新聞販売店",
    "郵便局員",
    "隣家の住民",
    "町内会の役員",
];
const CARE_LEVELS: &[&str] = &["要支援1", "要支援2", "要介護1", "要介護2", "要介護3", "要介護4"];
const PLACES: &[&str] = &["地域のサロン", "認知症カフェ", "体操教室", "地域の居場所", "老人クラブ"];

/// How notes name an agency: the words a worker actually writes, not the formal name.
fn short(code: &str) -> &'static str {
    match code {
        "fukushi-somu" => "福祉総務課",
        "seikatsu-fukushi" => "生活福祉課",
        "koreisha-ikiiki" => "高齢者いきいき課",
        "kaigo-hoken" => "介護保険課",
        "shogai-fukushi" => "障害福祉課",
        "kodomo-shien" => "こども支援課",
        "kodomo-katei-sodan" => "こども家庭相談課",
        "seishonen" => "青少年課",
        "hattatsu-shien" => "発達支援室",
        "chiiki-kyosei" => "地域共生課",
        "kyoiku-center" => "教育センター",
        "shimin-kenko" => "市民健康課",
        "toshi-seibi-somu" => "都市整備総務課",
        "sogo-bosai" => "総合防災課",
        "shakyo" => "社協",
        "kishiro" => "きしろ",
        "shimin-katsudo" => "市民活動センター",
        "hokatsu" => "地域包括",
        "inkuru" => "インクル相談室",
        "carer-desk" => "ケアラー支援窓口",
        "seinen-koken-center" => "成年後見センター",
        "minsei-iin" => "民生委員",
        "school" => "学校",
        "medical" => "主治医",
        "care-manager" => "ケアマネ",
        _ => "関係機関",
    }
}

/// Agencies that keep this record themselves; doctors, schools and 民生委員 report to it.
pub(super) fn keeps_records(agency: &str) -> bool {
    !matches!(agency, "medical" | "school" | "minsei-iin")
}

fn other_agency(
    rng: &mut Rng,
    agencies: &[&'static str],
    keep: impl Fn(&&'static str) -> bool,
) -> Option<&'static str> {
    let count = agencies.iter().filter(|a| keep(a)).count();
    if count == 0 {
        return None;
    }
    let n = util::between(rng, 0, count as i32 - 1) as usize;
    agencies.iter().filter(|a| keep(a)).nth(n).copied()
}

/// Yen the way a worker writes it: 3万5千円, 8千円, 500円.
fn push_yen(out: &mut String, yen: i32) {
    let man = yen / 10_000;
    let sen = (yen % 10_000) / 1_000;
    let rest = yen % 1_000;
    if man > 0 {
        out.push_str(&man.to_string());
        out.push('万');
    }
    if sen > 0 {
        out.push_str(&sen.to_string());
        out.push('千');
    }
    if rest > 0 || yen == 0 {
        out.push_str(&rest.to_string());
    }
    out.push('円');
}

fn push_who(out: &mut String, who: Option<Who>, with_age: bool) {
    match who {
        Some(w) => {
            out.push_str(w.label);
            if with_age {
                out.push('（');
                out.push_str(&w.age.max(0).to_string());
                out.push_str("歳）");
            }
        }
        None => out.push_str("家族"),
    }
}

fn push_grade(out: &mut String, age: i32) {
    let (stage, year) = match age {
        7..=12 => ("小学", age - 6),
        13..=15 => ("中学", age - 12),
        16..=18 => ("高校", age - 15),
        _ => ("", 0),
    };
    if year == 0 {
        out.push_str(if age < 7 { "未就学" } else { "学齢超過" });
    } else {
        out.push_str(stage);
        out.push_str(&year.to_string());
        out.push('年');
    }
}

fn render(rng: &mut Rng, tpl: &str, ctx: &Ctx, writer: &str, out: &mut String) {
    let mut rest = tpl;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return;
        };
        token(rng, &after[..close], ctx, writer, out);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
}

fn token(rng: &mut Rng, key: &str, ctx: &Ctx, writer: &str, out: &mut String) {
    match key {
        "A" => push_who(out, Some(ctx.a), false),
        "A歳" => push_who(out, Some(ctx.a), true),
        "A学年" => push_grade(out, ctx.a.age),
        "B" => push_who(out, ctx.b, false),
        "B歳" => push_who(out, ctx.b, true),
        "C" => push_who(out, ctx.c, false),
        "C歳" => push_who(out, ctx.c, true),
        "C学年" => push_grade(out, ctx.c.map_or(0, |c| c.age)),
        "状態" => out.push_str(ctx.cond),
        "持病" => out.push_str(util::pick(rng, AILMENTS)),
        "サ" => out.push_str(util::pick(rng, SERVICES)),
        "他" => {
            let office = |a: &&str| *a != writer && keeps_records(a);
            let code = other_agency(rng, ctx.agencies, office);
            out.push_str(code.map_or("関係機関", short));
        }
        "関" => {
            let any = |a: &&str| *a != writer;
            out.push_str(other_agency(rng, ctx.agencies, any).map_or("関係機関", short));
        }
        "出席" => {
            for (i, code) in ctx.agencies.iter().enumerate() {
                if i > 0 {
                    out.push('、');
                }
                out.push_str(short(code));
            }
            if !ctx.agencies.contains(&"minsei-iin") && util::chance(rng, 400) {
                out.push_str("、民生委員");
            }
        }
        "額" => push_yen(out, util::between(rng, 1, 30) * 10_000),
        "不足" => push_yen(out, util::between(rng, 2, 12) * 5_000),
        "所持金" => push_yen(out, util::between(rng, 1, 40) * 500),
        "契約額" => push_yen(out, util::between(rng, 8, 150) * 10_000),
        "月数" => match util::between(rng, 0, 11) {
            0 => out.push_str("半年"),
            1 => out.push_str("1年"),
            n => {
                out.push_str(&n.to_string());
                out.push_str("か月");
            }
        },
        "曜" => out.push_str(util::pick(rng, WEEKDAYS)),
        "時" => out.push_str(util::pick(rng, TIMES)),
        "回" => out.push_str(util::pick(rng, FREQ)),
        "日後" => out.push_str(util::pick(rng, WHEN)),
        "日数" => out.push_str(util::pick(rng, DAYS)),
        "件" => out.push_str(&util::between(rng, 2, 6).to_string()),
        "近所" => out.push_str(util::pick(rng, NEIGHBOURS)),
        "認定" => out.push_str(util::pick(rng, CARE_LEVELS)),
        "場" => out.push_str(util::pick(rng, PLACES)),
        // Unknown keys stay visible so the tests catch a typo in a template.
        other => {
            out.push('{');
            out.push_str(other);
            out.push('}');
        }
    }
}

const MAX_SENTENCES: usize = 4;

fn sentence_count(text: &str) -> usize {
    text.matches('。').count()
}

/// Appends a sentence unless the entry would exceed four sentences.
fn push_if_room(raw: &mut String, sentence: &str) {
    if sentence_count(raw) + sentence_count(sentence) <= MAX_SENTENCES {
        raw.push_str(sentence);
    }
}

fn group_pool(group: Group) -> &'static [&'static str] {
    match group {
        Group::Elder => ELDER_OBS,
        Group::Child => CHILD_OBS,
        Group::Adult => ADULT_OBS,
    }
}

fn observation(rng: &mut Rng, spec: &'static Spec, ctx: &Ctx, memo: &mut Memo) -> &'static str {
    let group = group_pool(spec.group);
    let first = if util::chance(rng, 720) {
        pick_fresh(rng, spec.observe, ctx, &mut memo.observe).or_else(|| pick_fresh(rng, group, ctx, &mut memo.group))
    } else {
        pick_fresh(rng, group, ctx, &mut memo.group).or_else(|| pick_fresh(rng, spec.observe, ctx, &mut memo.observe))
    };
    first
        .or_else(|| pick_fit(rng, spec.observe, ctx))
        .or_else(|| pick_fit(rng, group, ctx))
        .unwrap_or("状況に大きな変化はない。")
}

fn plan(rng: &mut Rng, spec: &'static Spec, ctx: &Ctx, memo: &mut Memo) -> &'static str {
    let own = if util::chance(rng, 450) {
        pick_fresh(rng, spec.plan, ctx, &mut memo.plan)
    } else {
        None
    };
    own.or_else(|| pick_fit(rng, PLAN, ctx)).unwrap_or("引き続き見守り。")
}

pub(super) fn title(rng: &mut Rng, spec: &'static Spec, ctx: &Ctx) -> String {
    let tpl = pick_fit(rng, spec.titles, ctx).unwrap_or("{A}への支援");
    let mut out = String::with_capacity(64);
    render(rng, tpl, ctx, "", &mut out);
    out
}

/// The first entry of a case and the contact kind its first sentence implies ("来所" is an
/// office visit, "電話" a call …), or None when the sentence leaves it open.
pub(super) fn intake(rng: &mut Rng, spec: &'static Spec, ctx: &Ctx, writer: &str) -> (String, Option<&'static str>) {
    let mut raw = String::with_capacity(200);
    let first = pick_fit(rng, spec.intake, ctx)
        .or_else(|| pick_fit(rng, INTAKE_GENERIC, ctx))
        .unwrap_or("相談を受け付けた。");
    let kind = [
        ("来所", "office"),
        ("電話", "phone"),
        ("メール", "email"),
        ("訪問", "visit"),
    ]
    .into_iter()
    .find(|(word, _)| first.contains(word))
    .map(|(_, kind)| kind);
    raw.push_str(first);
    let mut memo = Memo::default();
    if util::chance(rng, 450) {
        push_if_room(&mut raw, observation(rng, spec, ctx, &mut memo));
    }
    if util::chance(rng, 700) {
        push_if_room(
            &mut raw,
            pick_fit(rng, INTAKE_NEXT, ctx).unwrap_or("初回面談の日程を調整。"),
        );
    }
    let mut out = String::with_capacity(raw.len() + 64);
    render(rng, &raw, ctx, writer, &mut out);
    (out, kind)
}

pub(super) fn closing(rng: &mut Rng, spec: &'static Spec, ctx: &Ctx, writer: &str) -> String {
    let mut raw = String::with_capacity(160);
    let own = if util::chance(rng, 650) {
        pick_fit(rng, spec.close, ctx)
    } else {
        None
    };
    raw.push_str(
        own.or_else(|| pick_fit(rng, CLOSE_GENERIC, ctx))
            .unwrap_or("終結とする。"),
    );
    if util::chance(rng, 350) {
        raw.push_str(util::pick(rng, CLOSE_TAIL));
    }
    let mut out = String::with_capacity(raw.len() + 64);
    render(rng, &raw, ctx, writer, &mut out);
    out
}

/// An ordinary entry: an opener that fits the contact kind, one or two observations, maybe
/// a next step. Internal memos swap the opener for an in-house one.
pub(super) fn progress(
    rng: &mut Rng,
    spec: &'static Spec,
    ctx: &Ctx,
    kind: &str,
    writer: &str,
    internal: bool,
    memo: &mut Memo,
) -> String {
    let mut raw = String::with_capacity(240);
    if internal {
        raw.push_str(util::pick(rng, INTERNAL));
    } else {
        let a_acts = ctx.a_acts();
        let has_b = ctx.b.is_some() && ctx.b_contact;
        let actor = util::between(rng, 0, 2);
        let pool: &'static [&'static str] = match kind {
            "visit" => match actor {
                0 if a_acts => VISIT_A,
                1 if has_b => VISIT_B,
                _ => VISIT_N,
            },
            "office" => match actor {
                0 if a_acts => OFFICE_A,
                2 => OFFICE_N,
                _ if has_b => OFFICE_B,
                _ if a_acts => OFFICE_A,
                _ => OFFICE_N,
            },
            "phone" => {
                if util::chance(rng, 100) {
                    PHONE_MISSED
                } else {
                    match actor {
                        0 if a_acts => PHONE_A,
                        1 if has_b => PHONE_B,
                        _ => PHONE_N,
                    }
                }
            }
            "email" => match ctx.b {
                Some(b) if has_b && b.age < 70 && actor == 1 => EMAIL_B,
                _ => EMAIL,
            },
            "meeting" => MEETING,
            "other" => OTHER,
            _ => &[],
        };
        if kind == "accompany" {
            let place = pick_fit(rng, spec.accompany, ctx)
                .or_else(|| pick_fit(rng, ACCOMPANY_GENERIC, ctx))
                .unwrap_or("{A}の通院");
            raw.push_str(place);
            raw.push_str("に同行。");
        } else {
            raw.push_str(pick_fit(rng, pool, ctx).unwrap_or("状況を確認。"));
        }
        if sentence_count(&raw) >= 2 {
            // A missed call is a complete entry on its own.
            let mut out = String::with_capacity(raw.len() + 64);
            render(rng, &raw, ctx, writer, &mut out);
            return out;
        }
    }
    if kind == "meeting" && !internal {
        if util::chance(rng, 500) {
            push_if_room(&mut raw, observation(rng, spec, ctx, memo));
        }
        let decision = pick_fit(rng, MEETING_DECIDE, ctx).unwrap_or("当面は見守りを継続する方針。");
        push_if_room(&mut raw, decision);
    } else {
        let first = observation(rng, spec, ctx, memo);
        push_if_room(&mut raw, first);
        if util::chance(rng, 420) {
            // Once a case has used up its material the fallback may repeat; never twice in a row.
            let second = observation(rng, spec, ctx, memo);
            if second != first {
                push_if_room(&mut raw, second);
            }
        }
    }
    if util::chance(rng, 450) {
        push_if_room(&mut raw, plan(rng, spec, ctx, memo));
    }
    if internal && util::chance(rng, 450) {
        push_if_room(
            &mut raw,
            pick_fit(rng, INTERNAL_TAIL, ctx).unwrap_or("記録は内部限り。"),
        );
    }
    let mut out = String::with_capacity(raw.len() + 64);
    render(rng, &raw, ctx, writer, &mut out);
    out
}
