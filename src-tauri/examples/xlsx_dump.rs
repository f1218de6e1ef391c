//! Reads an .xlsx workbook with a spreadsheet reader independent of the one that wrote it
//! (calamine) and prints every sheet as JSON — `{"sheets": [{"name", "rows": [[cell…]…]}]}`, a
//! number as a number and anything else as text — so the end-to-end test can check the numbers a
//! user's Excel would see. Test support only.

use calamine::{Data, Reader, Xlsx, open_workbook};
use serde_json::{Value, json};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: xlsx_dump FILE.xlsx");
        std::process::exit(2);
    };
    let mut book: Xlsx<_> = match open_workbook(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("xlsx_dump: {path}: {e}");
            std::process::exit(1);
        }
    };
    let mut sheets = Vec::new();
    for name in book.sheet_names() {
        let Ok(range) = book.worksheet_range(&name) else {
            eprintln!("xlsx_dump: {path}: sheet {name} unreadable");
            std::process::exit(1);
        };
        let rows: Vec<Vec<Value>> = range
            .rows()
            .map(|r| {
                r.iter()
                    .map(|c| match c {
                        Data::Float(n) => json!(n),
                        Data::Int(n) => json!(n),
                        Data::Empty => Value::Null,
                        other => json!(other.to_string()),
                    })
                    .collect()
            })
            .collect();
        sheets.push(json!({ "name": name, "rows": rows }));
    }
    println!("{}", json!({ "sheets": sheets }));
}
