//! Migrations: every past schema upgrades to the current one and ends up identical to a fresh
//! database; a newer database is refused (see vault.rs).

use rusqlite::Connection;

fn schema(conn: &Connection) -> Vec<(String, String)> {
    let mut stmt = conn
        .prepare("SELECT name, coalesce(sql, '') FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

#[test]
fn every_past_version_upgrades_to_the_fresh_schema() {
    let latest = kasane::testing::latest_schema();
    assert_eq!(kasane::testing::migrations().len() as u32, latest);
    let mut fresh = Connection::open_in_memory().unwrap();
    kasane::testing::migrate_to(&mut fresh, latest).unwrap();
    for from in 0..=latest {
        let mut conn = Connection::open_in_memory().unwrap();
        kasane::testing::migrate_to(&mut conn, from).unwrap();
        let v: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, from);
        kasane::testing::migrate_to(&mut conn, latest).unwrap();
        assert_eq!(
            schema(&conn),
            schema(&fresh),
            "upgrading from version {from} must give exactly the fresh schema"
        );
        let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(ok, "ok");
    }
}
