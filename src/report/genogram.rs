//! A genogram (ジェノグラム) of one household as SVG: generations in rows, men as squares, women
//! as circles, others as diamonds, the head of household doubly outlined, the deceased crossed
//! out, members living elsewhere greyed; partner lines (broken for separated or divorced) and
//! lines from parents to children. Drawn from the recorded relationships, so it is only as
//! complete as they are.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use uuid::Uuid;

use super::html::esc;
use crate::record::{PartnerStatus, Person, Relation, RelationKind, Sex};

const W: f64 = 112.0;
const ROW: f64 = 92.0;
const R: f64 = 14.0;

/// Generation of a member relative to the head, from the words of the relation to the head;
/// used when no parent-child relationship places them.
fn generation_by_word(relation: &str) -> i32 {
    let r = relation.trim();
    if ["祖父", "祖母"].iter().any(|w| r.contains(w)) {
        -2
    } else if ["父", "母", "義父", "義母"].contains(&r) {
        -1
    } else if r.contains('孫') {
        2
    } else if ["男", "女", "子", "息子", "娘"].iter().any(|w| r.ends_with(w)) && !["本人", "妻", "夫"].contains(&r)
    {
        1
    } else {
        0
    }
}

pub fn svg(members: &[Person], relations: &[Relation]) -> String {
    if members.is_empty() {
        return String::new();
    }
    // Generations: parent-child relationships first, the words of the relation otherwise.
    let mut level: HashMap<Uuid, i32> = members
        .iter()
        .map(|p| (p.id, generation_by_word(&p.relation)))
        .collect();
    for _ in 0..members.len() {
        let mut changed = false;
        for r in relations
            .iter()
            .filter(|r| r.kind == RelationKind::ParentChild && !r.archived)
        {
            if let (Some(&gp), Some(&gc)) = (level.get(&r.a), level.get(&r.b)) {
                if gc != gp + 1 {
                    // Keep the head's generation fixed; move whoever is not the head.
                    let head_child = members.iter().any(|p| p.id == r.b && p.relation == "本人");
                    if head_child {
                        level.insert(r.a, gc - 1);
                    } else {
                        level.insert(r.b, gp + 1);
                    }
                    changed = true;
                }
            }
        }
        for r in relations
            .iter()
            .filter(|r| r.kind == RelationKind::Partner && !r.archived)
        {
            if let (Some(&ga), Some(&gb)) = (level.get(&r.a), level.get(&r.b)) {
                if ga != gb {
                    let keep = members.iter().any(|p| p.id == r.a && p.relation == "本人");
                    if keep {
                        level.insert(r.b, ga)
                    } else {
                        level.insert(r.a, gb)
                    };
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    let mut rows: BTreeMap<i32, Vec<&Person>> = BTreeMap::new();
    for p in members {
        rows.entry(level[&p.id]).or_default().push(p);
    }
    // Within a row: partners side by side, then by age (eldest first).
    for row in rows.values_mut() {
        row.sort_by(|a, b| a.birth.cmp(&b.birth).then(a.id.cmp(&b.id)));
        let mut ordered: Vec<&Person> = Vec::new();
        for p in row.iter() {
            if ordered.iter().any(|q| q.id == p.id) {
                continue;
            }
            ordered.push(p);
            for r in relations
                .iter()
                .filter(|r| r.kind == RelationKind::Partner && (r.a == p.id || r.b == p.id))
            {
                let other = if r.a == p.id { r.b } else { r.a };
                if let Some(q) = row.iter().find(|q| q.id == other) {
                    if !ordered.iter().any(|x| x.id == q.id) {
                        ordered.push(q);
                    }
                }
            }
        }
        *row = ordered;
    }
    let widest = rows.values().map(Vec::len).max().unwrap_or(1);
    let width = (widest as f64 * W).max(W * 2.0);
    let top = *rows.keys().next().unwrap_or(&0);
    let height = rows.len() as f64 * ROW + 10.0;
    let mut pos: HashMap<Uuid, (f64, f64)> = HashMap::new();
    for (g, row) in &rows {
        let offset = (width - row.len() as f64 * W) / 2.0;
        for (i, p) in row.iter().enumerate() {
            pos.insert(p.id, (offset + W * (i as f64 + 0.5), (g - top) as f64 * ROW + 24.0));
        }
    }
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"genogram\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" aria-label=\"ジェノグラム\" font-size=\"9\" font-family=\"Noto Sans CJK JP, sans-serif\">"
    );
    // Partner lines, and the children hanging from each couple (or single parent).
    for r in relations
        .iter()
        .filter(|r| r.kind == RelationKind::Partner && !r.archived)
    {
        if let (Some(&(x1, y1)), Some(&(x2, _))) = (pos.get(&r.a), pos.get(&r.b)) {
            let y = y1 + R + 4.0;
            let _ = write!(
                s,
                "<path d=\"M{x1:.1},{:.1} V{y:.1} H{x2:.1} V{:.1}\" fill=\"none\" stroke=\"#222\"/>",
                y1 + R,
                y1 + R
            );
            if matches!(r.status, Some(PartnerStatus::Separated | PartnerStatus::Divorced)) {
                let mx = (x1 + x2) / 2.0;
                let marks = if r.status == Some(PartnerStatus::Divorced) {
                    2
                } else {
                    1
                };
                for k in 0..marks {
                    let dx = k as f64 * 5.0;
                    let _ = write!(
                        s,
                        "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#222\"/>",
                        mx - 4.0 + dx,
                        y + 5.0,
                        mx + dx,
                        y - 5.0
                    );
                }
            }
            if r.status == Some(PartnerStatus::Cohabiting) {
                let _ = write!(
                    s,
                    "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">内縁</text>",
                    (x1 + x2) / 2.0,
                    y - 2.0
                );
            }
        }
    }
    for r in relations
        .iter()
        .filter(|r| r.kind == RelationKind::ParentChild && !r.archived)
    {
        if let (Some(&(px, py)), Some(&(cx, cy))) = (pos.get(&r.a), pos.get(&r.b)) {
            // From the couple's line if the parent has a partner in the picture, else from the parent.
            let partner = relations
                .iter()
                .find(|q| q.kind == RelationKind::Partner && (q.a == r.a || q.b == r.a))
                .and_then(|q| pos.get(if q.a == r.a { &q.b } else { &q.a }));
            let (sx, sy) = match partner {
                Some(&(qx, _)) => ((px + qx) / 2.0, py + R + 4.0),
                None => (px, py + R),
            };
            let mid = (sy + cy - R) / 2.0;
            let _ = write!(
                s,
                "<path d=\"M{sx:.1},{sy:.1} V{mid:.1} H{cx:.1} V{:.1}\" fill=\"none\" stroke=\"#222\"/>",
                cy - R
            );
        }
    }
    for p in members {
        let Some(&(x, y)) = pos.get(&p.id) else { continue };
        let fill = if p.living_together { "#fff" } else { "#ddd" };
        let shape = match p.sex {
            Sex::Male => format!(
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{fill}\" stroke=\"#111\" stroke-width=\"1.2\"/>",
                x - R,
                y - R,
                2.0 * R,
                2.0 * R
            ),
            Sex::Female => format!(
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{R:.1}\" fill=\"{fill}\" stroke=\"#111\" stroke-width=\"1.2\"/>"
            ),
            _ => format!(
                "<path d=\"M{x:.1},{:.1} L{:.1},{y:.1} L{x:.1},{:.1} L{:.1},{y:.1} Z\" fill=\"{fill}\" stroke=\"#111\" stroke-width=\"1.2\"/>",
                y - R - 2.0,
                x + R + 2.0,
                y + R + 2.0,
                x - R - 2.0
            ),
        };
        s.push_str(&shape);
        if p.relation == "本人" {
            let _ = write!(
                s,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"none\" stroke=\"#111\" stroke-width=\"0.8\" rx=\"3\"/>",
                x - R - 4.0,
                y - R - 4.0,
                2.0 * R + 8.0,
                2.0 * R + 8.0
            );
        }
        if p.deceased.is_some() {
            let _ = write!(
                s,
                "<path d=\"M{:.1},{:.1} L{:.1},{:.1} M{:.1},{:.1} L{:.1},{:.1}\" stroke=\"#111\" stroke-width=\"1.2\"/>",
                x - R,
                y - R,
                x + R,
                y + R,
                x + R,
                y - R,
                x - R,
                y + R
            );
        }
        if let Some(age) = p.age {
            let _ = write!(
                s,
                "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"9\">{}</text>",
                y + 3.0,
                esc(&age.to_string())
            );
        }
        let _ = write!(
            s,
            "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}（{}）</text>",
            y + R + 16.0,
            esc(&p.given_name),
            esc(&p.relation)
        );
    }
    s.push_str("</svg>");
    s
}
