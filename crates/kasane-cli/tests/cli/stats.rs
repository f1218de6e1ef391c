//! `kasane stats` on a demo city: the printed JSON, the CSV file (UTF-8 with BOM) and the .xlsx
//! workbook read back with a real spreadsheet reader (calamine) carry the same numbers;
//! anonymised, no 1 or 2 is left in the workbook; bad requests are refused with exit 2.

use calamine::{Data, Reader, Xlsx, open_workbook};
use serde_json::Value;

use crate::run::kasane;
use crate::support::*;

/// `kasane --json ARGS…` on a vault the engine's test support made (its own passphrase).
fn ok(vault: &std::path::Path, args: &[&str]) -> Value {
    let r = kasane(vault, PASS, &[&["--json"], args].concat());
    assert_eq!(r.code, 0, "kasane {args:?} failed: {}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

fn total(s: &Value, table: &str, row: &str) -> u64 {
    let t = s["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["key"] == table)
        .unwrap();
    let r = t["rows"].as_array().unwrap().iter().find(|r| r["key"] == row).unwrap();
    let last = r["cells"].as_array().unwrap().last().unwrap();
    assert_eq!(last["kind"], "count", "{table}/{row}: {last}");
    last["n"].as_u64().unwrap()
}

#[test]
fn the_counts_go_to_csv_and_a_workbook_that_a_spreadsheet_reader_reads_back() {
    let mut t = new_vault(3401);
    kasane_demo::fill_demo(&mut t.vault, 80, 4, kasane_demo::DemoLead::AsGenerated, &mut |_, _| {}).unwrap();
    let TestVault { _dir, path, vault, .. } = t;
    drop(vault);
    let csv = _dir.path().join("集計.csv");
    let xlsx = _dir.path().join("集計.xlsx");
    let (csv_s, xlsx_s) = (csv.to_str().unwrap(), xlsx.to_str().unwrap());
    let s = ok(
        &path,
        &[
            "stats",
            "--from",
            "2010-04-01",
            "--to",
            "2026-11-25",
            "--by",
            "district",
            "--csv",
            csv_s,
            "--xlsx",
            xlsx_s,
        ],
    );
    let intake = total(&s, "intake", "all");
    assert!(intake > 0, "the demo city's consultations are counted: {s}");

    let text = std::fs::read(&csv).unwrap();
    assert_eq!(&text[..3], b"\xEF\xBB\xBF", "a byte-order mark, so Excel reads UTF-8");
    let text = String::from_utf8(text).unwrap();
    assert!(text.contains("新規相談受付件数（経路別）"), "{text}");
    let line = text
        .lines()
        .skip_while(|l| !l.starts_with("新規相談受付件数"))
        .find(|l| l.starts_with("計,"))
        .expect("the 計 row of the first table");
    assert!(
        line.ends_with(&format!(",{intake}")),
        "the CSV total is the JSON total: {line}"
    );

    let mut book: Xlsx<_> = open_workbook(&xlsx).expect("a real .xlsx");
    let tables = s["tables"].as_array().unwrap();
    assert_eq!(book.sheet_names().len(), tables.len(), "a sheet per table");
    let sheet = book.worksheet_range(&book.sheet_names()[0]).unwrap();
    assert_eq!(
        sheet.get_value((0, 0)),
        Some(&Data::String("新規相談受付件数（経路別）（件）".into()))
    );
    let columns = s["columns"].as_array().unwrap().len();
    let total_row = (0..sheet.height() as u32)
        .find(|&r| sheet.get_value((r, 0)) == Some(&Data::String("計".into())))
        .expect("the 計 row");
    assert_eq!(
        sheet.get_value((total_row, columns as u32)),
        Some(&Data::Float(intake as f64)),
        "the workbook's total is a number, the same"
    );

    // Anonymised: what leaves the agency has no 1 or 2 in it.
    let anon = _dir.path().join("匿名.xlsx");
    let a = ok(
        &path,
        &[
            "stats",
            "--from",
            "2010-04-01",
            "--to",
            "2026-11-25",
            "--by",
            "district",
            "--anonymised",
            "--xlsx",
            anon.to_str().unwrap(),
        ],
    );
    assert_eq!(a["anonymised"], true);
    let mut book: Xlsx<_> = open_workbook(&anon).unwrap();
    let mut hidden = 0;
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        for c in range.used_cells() {
            match c.2 {
                Data::Float(n) => assert!(*n == 0.0 || *n >= 3.0, "{name}: {n} left visible"),
                Data::String(s) if s == "<3" => hidden += 1,
                _ => {}
            }
        }
    }
    assert!(hidden > 0, "small counts by district are hidden");

    for (args, why) in [
        (vec!["stats", "--by", "weekday"], "an unknown grouping"),
        (
            vec!["stats", "--from", "2026-04-01", "--to", "2026-03-01"],
            "a period that ends before it begins",
        ),
        (vec!["stats", "--xlsx", "表.txt"], "a workbook not named .xlsx"),
    ] {
        let r = kasane(&path, PASS, &args);
        assert_eq!(r.code, 2, "{why} is bad input: {}", r.stderr);
    }
    assert!(!_dir.path().join("表.txt").exists());
}
