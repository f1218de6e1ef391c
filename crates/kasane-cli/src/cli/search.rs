//! `search`: persons, households and the contact log, found by kanji, kana, romaji or a variant
//! of the name, so a worker need not know how a name was written.

use kasane::Hit;

use super::print::{Out, outln};
use super::vault::unlock;
use super::{Global, Result};

#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    #[arg(required = true)]
    pub query: Vec<String>,
}

pub fn run(g: &Global, out: &Out, a: SearchArgs) -> Result<()> {
    let mut v = unlock(g)?;
    let q = a.query.join(" ");
    let hits = v.search(&q)?;
    out.hits(&hits);
    Ok(())
}

impl Out {
    pub fn hits(&self, hits: &[Hit]) {
        if self.json {
            return self.print_json(&hits);
        }
        for h in hits {
            let kind = match h.kind {
                "person" => "人",
                "household" => "世帯",
                _ => "経過",
            };
            outln!("[{kind}] {}  {}  {}", h.label, h.detail, h.id);
        }
        outln!("{} 件", hits.len());
    }
}
