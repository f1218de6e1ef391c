//! Every error in Japanese, as a case worker reads it: what happened and what to do. The English
//! `Display` of each error stays the reference for logs and scripts; this is its translation,
//! with the same facts filled in.

use crate::{
    Error,
    audit::AuditError,
    bundle::{BundleError, FormatError},
    ja::{DateError, DateField, Era, EraProblem, wareki},
    keyring::{KeyError, MIN_PASSPHRASE_CHARS},
    log::LogError,
    meeting::MeetingError,
    migrate::MigrateError,
    record::RecordError,
    share::ShareError,
    site::SiteError,
    vault::VaultError,
};

fn field_ja(f: &str) -> &str {
    match f {
        "label" => "世帯名",
        "family name" => "姓",
        "given name" => "名",
        "family name reading" => "姓のふりがな",
        "given name reading" => "名のふりがな",
        "relation" => "続柄",
        "title" => "ケース名",
        "text" => "内容",
        "scope" => "同意の範囲",
        "reason" => "理由",
        "agency" | "agency name" => "機関",
        "site" => "端末名",
        "worker" | "name" => "担当者名",
        "address" => "住所",
        "phone" => "電話番号",
        "place" => "場所",
        "goal" => "目標",
        "action" => "役割",
        "what was seen" => "状況",
        "correction" => "訂正内容",
        "sex" => "性別",
        "status" => "状況",
        "risk" => "リスク",
        "contact kind" => "種別",
        "consent method" => "同意の方法",
        "relation kind" => "関係",
        "partner status" => "パートナーの状態",
        "legal basis" => "法的根拠",
        "action status" => "役割の状況",
        "referral status" => "つなぎの状況",
        "assessment domain" => "見立ての領域",
        "document" => "印刷する資料",
        "sort" => "並び順",
        other => other,
    }
}

fn era_ja(era: Era, problem: EraProblem) -> String {
    let name = era.name_ja();
    match (problem, era.end()) {
        (EraProblem::BeforeStart, _) => format!("{name}は{}に始まりました", wareki(era.start())),
        (EraProblem::AfterEnd, Some(end)) => format!("{name}は{}に終わりました", wareki(end)),
        (EraProblem::AfterEnd, None) => format!("{name}はまだ続いています"),
        (EraProblem::YearZero, _) => format!("{name}は元年（1年）から数えます。0年はありません"),
    }
}

fn date_ja(e: &DateError) -> String {
    match e {
        DateError::Empty => {
            "日付が入力されていません。2024-06-14、R6.6.14、令和6年6月14日のように入力してください".into()
        }
        DateError::Unrecognised(s) => {
            format!("「{s}」は日付として読めません。2024-06-14、R6.6.14、令和6年6月14日のように入力してください")
        }
        DateError::OutOfRange {
            input,
            field,
            value,
            min,
            max,
        } => {
            let f = match field {
                DateField::Year => "年",
                DateField::Month => "月",
                DateField::Day => "日",
            };
            format!("「{input}」の{f}（{value}）は{min}〜{max}の範囲で入力してください")
        }
        DateError::DayNotInMonth {
            input,
            year,
            month,
            days,
            ..
        } => format!("「{input}」：{year}年{month}月は{days}日までです"),
        DateError::NotInEra { input, era, problem } => {
            format!("「{input}」は存在しない日付です。{}", era_ja(*era, *problem))
        }
        DateError::Incomplete(s) => format!("「{s}」は年月日がそろっていません。年・月・日をすべて入力してください"),
    }
}

impl Error {
    /// The message in Japanese.
    pub fn message_ja(&self) -> String {
        match self {
            Error::Key(k) => match k {
                KeyError::WrongPassphrase => "パスフレーズが違います".into(),
                KeyError::WrongRecoveryCode => "この保管庫の回復コードではありません".into(),
                KeyError::RecoveryCodeTypo => "回復コードに入力の誤りがあります（文字の違い・不足・余分）。4文字ずつ確認してください".into(),
                KeyError::RecoveryCodeMalformed => "回復コードではありません。回復コードは4文字ずつ14組、56文字の英数字です".into(),
                KeyError::NoSuchWorker { name, known } => format!("担当者「{name}」はこの保管庫にいません（登録済み：{known}）"),
                KeyError::WorkerRequired { known } => format!("この保管庫には複数の担当者がいます（{known}）。どの担当者か選んでください"),
                KeyError::WorkerExists(n) => format!("担当者「{n}」はすでに登録されています"),
                KeyError::PassphraseTooShort => format!("パスフレーズが短すぎます。{MIN_PASSPHRASE_CHARS}文字以上にしてください"),
                KeyError::PassphraseMismatch => "2回入力したパスフレーズが一致しません".into(),
                KeyError::KdfCostOutOfRange(n) => format!("鍵導出の強度 {n} は範囲外です"),
                KeyError::SlotDamaged(_) => "この保管庫の鍵ファイルが壊れています。バックアップから keys フォルダを戻すか、回復コードを使ってください".into(),
                KeyError::SlotFromAnotherVault => "別の保管庫の鍵ファイルが混ざっています".into(),
                KeyError::NoRecoverySlot => "回復用の鍵ファイルがありません".into(),
                KeyError::Io { path, .. } => format!("鍵ファイルを読み書きできません：{}", path.display()),
            },
            Error::Vault(v) => match v {
                VaultError::Missing(p) => format!("{} に保管庫がありません。新しく作成するか、別のフォルダを選んでください", p.display()),
                VaultError::NotAVault(p) => format!("{} はかさねの保管庫ではありません（ほかのファイルがあります）", p.display()),
                VaultError::Incomplete(p) => format!("{} の保管庫の作成が途中で止まっています。フォルダを削除して作り直してください", p.display()),
                VaultError::NotEmpty(p) => format!("{} にはすでにファイルがあります。空のフォルダか新しいフォルダを選んでください", p.display()),
                VaultError::NewerFormat(_) => "この保管庫は新しいバージョンのかさねで作られています。かさねを更新してください".into(),
                VaultError::Unreadable => "保管庫のデータベースを開けません。別の保管庫のファイルが混ざっているか、壊れている可能性があります".into(),
                VaultError::Busy => "保管庫は別のかさねの画面またはコマンドで使用中です。そちらを閉じてからやり直してください".into(),
                VaultError::Damaged(_) => "保管庫の記録が壊れています".into(),
                VaultError::Io { path, .. } => format!("{} を読み書きできません", path.display()),
            },
            Error::Migrate(MigrateError::Newer { .. }) => "この保管庫は新しいバージョンのかさねで作られています。かさねを更新してください".into(),
            Error::Migrate(_) => "保管庫の更新に失敗しました".into(),
            Error::Log(LogError::NoSuchEntity(_)) => "その記録はこの保管庫にありません".into(),
            Error::Log(LogError::WrongType { .. }) => "指定された記録の種類が違います".into(),
            Error::Log(_) => "記録の読み書きで問題が起きました".into(),
            Error::Record(r) => match r {
                RecordError::Missing(f) => format!("{}を入力してください", field_ja(f)),
                RecordError::TooLong { field, chars, max } => format!("{}が長すぎます（{chars}文字。{max}文字まで）", field_ja(field)),
                RecordError::UnknownDistrict(code, _) => format!("「{code}」は地区のコードではありません"),
                RecordError::UnknownProblem(code) => format!("「{code}」は課題のコードではありません"),
                RecordError::NotKana { field, value } => format!("{}はひらがなかカタカナで入力してください（「{value}」）", field_ja(field)),
                RecordError::BadChoice { field, value, .. } => format!("「{value}」は{}として選べません", field_ja(field)),
                RecordError::Date(d) => date_ja(d),
                RecordError::Inconsistent(m) | RecordError::Refused(m) => m.ja.clone(),
                RecordError::UnknownAgency(_) => "その機関はこの保管庫の機関一覧にありません".into(),
                RecordError::NotFound(_) => "その記録はこの保管庫にありません".into(),
            },
            Error::Audit(AuditError::Broken { seq, .. }) => format!("監査証跡の {seq} 件目が改ざんされています"),
            Error::Audit(_) => "監査証跡を読み取れません".into(),
            Error::Site(s) => match s {
                SiteError::NotACard(_) => "かさねのメンバーカードではありません".into(),
                SiteError::CardSignature => "メンバーカードの署名が内容と一致しません。改ざんまたは破損の可能性があります".into(),
                SiteError::CardTooNew => "新しいバージョンのかさねのメンバーカードです。かさねを更新してください".into(),
                SiteError::OwnCard => "この端末自身のメンバーカードです".into(),
                SiteError::CardKeysChanged(_) => "この端末のカードは以前に別の鍵で登録されています。相手のPCを入れ替えた場合は、古い端末を失効させてから登録してください".into(),
                SiteError::UnknownSite(_) => "その端末のカードは登録されていません".into(),
                SiteError::FingerprintMismatch(_) => "フィンガープリントが一致しません。このカードは信頼せず、相手に新しいカードを依頼してください".into(),
                SiteError::Revoked(_) => "その端末は失効しています。再び確認済みにはできません".into(),
                SiteError::RevokeSelf => "使用中の端末は自分自身を失効させられません。同じ機関の別の端末か、相手機関で失効させてください".into(),
                SiteError::KeysDamaged(_) => "この端末の鍵が壊れています".into(),
            },
            Error::Share(s) => match s {
                ShareError::NoBasis => "共有には法的根拠が必要です。支援会議（社会福祉法第106条の6）、重層的支援会議（本人同意）、要対協、地域ケア会議、または同意記録から選んでください".into(),
                ShareError::NotLead { lead } => format!("共有先の変更や主担当の引き継ぎは主担当機関（{lead}）だけができます"),
                ShareError::Consent(m) => m.ja.clone(),
                ShareError::OwnAgency(a) => format!("このケースの主担当は{a}です"),
                ShareError::NotShared(a) => format!("このケースは{a}と共有していません"),
            },
            Error::Bundle(b) => match b {
                BundleError::Format(FormatError::Truncated) => "ファイルが途中で切れています（コピーが完了していない可能性があります）".into(),
                BundleError::Format(FormatError::NotABundle) => "かさねのバンドルファイルではありません".into(),
                BundleError::Format(FormatError::Malformed(_)) => "バンドルファイルの形式が壊れています".into(),
                BundleError::HeaderSignature => "バンドルの署名が一致しません。改ざんまたは破損の可能性があります".into(),
                BundleError::PayloadMismatch => "暗号化された内容が署名と一致しません。改ざんまたは破損の可能性があります".into(),
                BundleError::UnknownSender(_) => "送信元の端末のメンバーカードが登録されていません。先にカードを取り込み、フィンガープリントを確認してください".into(),
                BundleError::RevokedSender(_) => "送信元の端末は失効しています".into(),
                BundleError::NotForUs => "このバンドルはこの端末あてではありません".into(),
                BundleError::Decrypt => "バンドルを復号できません。改ざんまたは破損の可能性があります".into(),
                BundleError::ManifestSignature => "バンドル内の目録の署名が一致しません".into(),
                BundleError::Readdressed => "このバンドルは宛先が書き換えられています".into(),
                BundleError::Segment { index, .. } => format!("バンドルの {} 番目の記録の束が検証できません", index + 1),
                BundleError::TooLarge(_) => "バンドルが大きすぎて安全に開けません".into(),
                BundleError::NeedsUpdate(_) => "このバンドルには新しいバージョンのかさねが必要です。更新するまで受信箱で待機します".into(),
                BundleError::NoRecipient(name) => format!("{name}の確認済みの端末がありません。メンバーカードを取り込み、フィンガープリントを確認してください"),
                BundleError::Io { path, .. } => format!("{} を読み書きできません", path.display()),
            },
            Error::Meeting(m) => match m {
                MeetingError::UnknownType(t) => format!("「{t}」は会議の種類ではありません"),
                MeetingError::Finalised => "この会議の記録は確定済みで変更できません。訂正を追加してください".into(),
                MeetingError::AlreadyOnAgenda => "このケースはすでに次第にあります".into(),
                MeetingError::NotOnAgenda => "このケースは次第にありません".into(),
                MeetingError::ConsentMissing(m) => m.ja.clone(),
                MeetingError::NotShareable { lead, missing } => format!("{missing}とこのケースを共有できるのは主担当機関（{lead}）だけです。主担当に依頼するか、出席機関から外してください"),
                MeetingError::ReviewMissing(items) => format!("次回見直し日が未設定の議題があります：{items}。確定の前に設定してください（終結するケースは不要）"),
                MeetingError::NotCoordinator => "この会議の記録は事務局の機関だけが行えます".into(),
            },
            Error::Db(e) if crate::error::is_busy(e) => "保管庫は別のかさねの画面またはコマンドで使用中です。そちらを閉じてからやり直してください".into(),
            Error::Db(_) => "データベースの処理で問題が起きました".into(),
        }
    }

    /// The message in the language asked for ("ja" or anything else for English).
    pub fn message(&self, lang: &str) -> String {
        if lang.starts_with("ja") {
            self.message_ja()
        } else {
            self.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_errors_read_naturally_in_japanese() {
        let e: Error = crate::ja::PartialDate::parse("R1.4.30").unwrap_err().into();
        let m = e.message_ja();
        assert!(
            m.contains("令和") && m.contains("令和元年5月1日"),
            "says when 令和 began: {m}"
        );
        let e: Error = crate::ja::PartialDate::parse("2023-02-29").unwrap_err().into();
        assert!(e.message_ja().contains("2023年2月は28日まで"), "{}", e.message_ja());
    }
}
