//! Where the synthetic households live: the nine welfare districts of Kamakura (codes verbatim
//! from districts-kamakura.tsv), real town names that lie in each district, and fictional
//! street numbers, building names and telephone numbers that cannot reach a real line.

use super::util::{self, Rng};

#[derive(Clone, Copy)]
pub(super) struct Town {
    pub name: &'static str,
    /// Number of 丁目 in the town; 0 where addresses are plain 番地 (大字 without 丁目).
    chome: i32,
}

pub(super) struct District {
    pub code: &'static str,
    /// Rough share of the city's households, so Ōfuna and Fukasawa are busier than Koshigoe.
    weight: u32,
    pub towns: &'static [Town],
}

const fn t(name: &'static str, chome: i32) -> Town {
    Town { name, chome }
}

// 深沢 is a 地域 name, not a town: the 深沢 district is made of 梶原, 寺分, 常盤 and so on.
pub(super) const DISTRICTS: &[District] = &[
    District {
        code: "kamakura-1",
        weight: 12,
        towns: &[
            t("雪ノ下", 5),
            t("小町", 3),
            t("二階堂", 0),
            t("浄明寺", 6),
            t("十二所", 0),
            t("扇ガ谷", 4),
            t("西御門", 2),
        ],
    },
    District {
        code: "kamakura-2",
        weight: 9,
        towns: &[t("大町", 7), t("材木座", 6)],
    },
    District {
        code: "kamakura-3",
        weight: 11,
        towns: &[
            t("長谷", 5),
            t("坂ノ下", 0),
            t("由比ガ浜", 4),
            t("極楽寺", 3),
            t("笛田", 6),
        ],
    },
    District {
        code: "koshigoe",
        weight: 8,
        towns: &[t("腰越", 5), t("津", 0)],
    },
    District {
        code: "nishikamakura",
        weight: 7,
        towns: &[t("西鎌倉", 4), t("七里ガ浜", 1), t("七里ガ浜東", 5), t("津西", 2)],
    },
    District {
        code: "fukasawa",
        weight: 14,
        towns: &[
            t("常盤", 0),
            t("梶原", 5),
            t("寺分", 3),
            t("上町屋", 0),
            t("手広", 6),
            t("鎌倉山", 4),
        ],
    },
    District {
        code: "ofuna-1",
        weight: 16,
        towns: &[t("大船", 6), t("台", 5), t("小袋谷", 2), t("山崎", 0), t("高野", 0)],
    },
    District {
        code: "ofuna-2",
        weight: 12,
        towns: &[t("岩瀬", 0), t("今泉", 0), t("今泉台", 7)],
    },
    District {
        code: "tamanawa",
        weight: 11,
        towns: &[t("玉縄", 5), t("植木", 0), t("岡本", 2), t("城廻", 0), t("関谷", 0)],
    },
];

const KANJI_DIGITS: [&str; 8] = ["", "一", "二", "三", "四", "五", "六", "七"];

const BUILDING_WORDS: &[&str] = &[
    "若葉",
    "松風",
    "湘南",
    "青葉",
    "さくら",
    "潮風",
    "ひかり",
    "緑ヶ丘",
    "若宮",
    "海風",
    "陽だまり",
    "けやき",
    "富士見",
    "朝日",
];
const BUILDING_PREFIX: &[&str] = &["コーポ", "メゾン", "パレス", "グリーンハイツ"];
const BUILDING_SUFFIX: &[&str] = &["ハイツ", "荘", "レジデンス", "マンション", "コート"];

pub(super) fn district(rng: &mut Rng) -> &'static District {
    let total: u32 = DISTRICTS.iter().map(|d| d.weight).sum();
    let mut roll = util::between(rng, 0, total as i32 - 1) as u32;
    for d in DISTRICTS {
        if roll < d.weight {
            return d;
        }
        roll -= d.weight;
    }
    &DISTRICTS[0]
}

/// "鎌倉市雪ノ下三丁目4-12", "鎌倉市二階堂812-3", or either followed by a flat
/// ("コーポ若葉201号"). The numbers are invented; only the town is real.
pub(super) fn address(rng: &mut Rng, district: &District, apartment_per_mille: u32) -> String {
    let town = util::pick(rng, district.towns);
    let mut out = String::with_capacity(64);
    out.push_str("鎌倉市");
    out.push_str(town.name);
    if town.chome > 0 {
        let chome = util::between(rng, 1, town.chome);
        out.push_str(KANJI_DIGITS[chome as usize]);
        out.push_str("丁目");
        out.push_str(&util::between(rng, 1, 28).to_string());
        out.push('-');
        out.push_str(&util::between(rng, 1, 35).to_string());
    } else {
        out.push_str(&util::between(rng, 1, 1800).to_string());
        if util::chance(rng, 600) {
            out.push('-');
            out.push_str(&util::between(rng, 1, 25).to_string());
        }
    }
    if util::chance(rng, apartment_per_mille) {
        out.push(' ');
        let word = util::pick(rng, BUILDING_WORDS);
        let small = if util::chance(rng, 500) {
            out.push_str(util::pick(rng, BUILDING_PREFIX));
            out.push_str(word);
            false
        } else {
            let suffix = util::pick(rng, BUILDING_SUFFIX);
            out.push_str(word);
            out.push_str(suffix);
            suffix == "荘"
        };
        // Wooden 荘 are two storeys; the rest go up to five.
        let floor = util::between(rng, 1, if small { 2 } else { 5 });
        let room = util::between(rng, 1, 8);
        out.push_str(&format!("{floor}{room:02}号"));
        if util::chance(rng, 300) {
            out.push('室');
        }
    }
    out
}

/// Landlines in the 0467 area and mobiles. The subscriber part always starts with 0, which is
/// the trunk prefix and never the first digit of an issued landline number, so the demo vault
/// cannot hold anyone's real number; mobiles use the same 0-led block.
pub(super) fn phone(rng: &mut Rng, head_age: i32) -> Option<String> {
    if util::chance(rng, 120) {
        return None;
    }
    let landline_per_mille = if head_age >= 65 { 720 } else { 220 };
    if util::chance(rng, landline_per_mille) {
        Some(format!(
            "0467-0{}-{:04}",
            util::between(rng, 1, 9),
            util::between(rng, 0, 9999)
        ))
    } else {
        let prefix = util::pick(rng, &["090", "080", "070"]);
        Some(format!(
            "{prefix}-0{:03}-{:04}",
            util::between(rng, 0, 999),
            util::between(rng, 0, 9999)
        ))
    }
}
