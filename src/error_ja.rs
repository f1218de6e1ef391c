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
        "action" => "支援内容",
        "what was seen" => "状況",
        "correction" => "訂正内容",
        "sex" => "性別",
        "status" => "状況",
        "risk" => "緊急度",
        "contact kind" => "種別",
        "consent method" => "同意の方法",
        "relation kind" => "関係",
        "partner status" => "パートナーの状態",
        "legal basis" => "法的根拠",
        "action status" => "支援内容の状況",
        "referral status" => "つなぎの状況",
        "assessment domain" => "見立ての領域",
        "document" => "印刷する資料",
        "sort" => "並び順",
        "at least one attendee agency" => "出席する機関（1つ以上）",
        "at least one field to change" => "変更する項目（1つ以上）",
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
                KeyError::WrongPassphrase => "パスワードが違います".into(),
                KeyError::WrongRecoveryCode => "この記録データの復旧用コードではありません".into(),
                KeyError::RecoveryCodeTypo => "復旧用コードに入力の誤りがあります（文字の違い・不足・余分）。4文字ずつ確認してください".into(),
                KeyError::RecoveryCodeMalformed => "復旧用コードではありません。復旧用コードは4文字ずつ14組、56文字の英数字です".into(),
                KeyError::NoSuchWorker { name, known } => format!("担当者「{name}」はこの記録データに登録されていません（登録済み：{known}）"),
                KeyError::WorkerRequired { known } => format!("この記録データには複数の担当者がいます（{known}）。どの担当者か選んでください"),
                KeyError::WorkerExists(n) => format!("担当者「{n}」はすでに登録されています"),
                KeyError::PassphraseTooShort => format!("パスワードが短すぎます。前後の空白を除いて{MIN_PASSPHRASE_CHARS}文字以上の長めの文にしてください"),
                KeyError::PassphraseMismatch => "2回入力したパスワードが一致しません".into(),
                KeyError::KdfCostOutOfRange(n) => format!("鍵導出の強度 {n} は範囲外です"),
                KeyError::KdfCostTooLow { asked, floor } => format!("鍵導出の強度 {asked} は低すぎて、実際の記録データには使えません。{floor} 以上を指定するか、指定を省いてこのPCに合わせてください"),
                KeyError::SlotWorkerMismatch(name) => format!("担当者「{name}」の鍵ファイルは別の担当者のものです（ほかの担当者の鍵ファイルが上書きコピーされた可能性があります）。このファイルではロックを解除できません。本人の鍵ファイルをバックアップから戻すか、復旧用コードでパスワードを設定し直してください"),
                KeyError::SlotDamaged(_) => "この記録データの鍵ファイルが壊れています。バックアップから keys フォルダを戻すか、復旧用コードを使ってください".into(),
                KeyError::SlotFromAnotherVault => "別の記録データの鍵ファイルが混ざっています".into(),
                KeyError::NoRecoverySlot => "復旧用の鍵ファイルがありません".into(),
                KeyError::Io { path, .. } => format!("鍵ファイルを読み書きできません：{}", path.display()),
            },
            Error::Vault(v) => match v {
                VaultError::Missing(p) => format!("{} に記録データがありません。新しく作成するか、別のフォルダを選んでください", p.display()),
                VaultError::NotAVault(p) => format!("{} はかさねの記録データのフォルダではありません（ほかのファイルがあります）", p.display()),
                VaultError::Incomplete(p) => format!("{} の記録データの作成が途中で止まっています。フォルダを削除して作り直してください", p.display()),
                VaultError::NotEmpty(p) => format!("{} にはすでにファイルがあります。空のフォルダか新しいフォルダを選んでください", p.display()),
                VaultError::NewerFormat(_) => "この記録データは新しいバージョンのかさねで作られています。かさねを更新してください".into(),
                VaultError::Unreadable => "記録データを開けません。別の記録データのファイルが混ざっているか、壊れている可能性があります".into(),
                VaultError::Busy => "記録データは別のかさねの画面またはコマンドで使用中です。そちらを閉じてからやり直してください".into(),
                VaultError::Damaged(_) => "記録データが壊れています".into(),
                VaultError::Io { path, .. } => format!("{} を読み書きできません", path.display()),
            },
            Error::Migrate(MigrateError::Newer { .. }) => "この記録データは新しいバージョンのかさねで作られています。かさねを更新してください".into(),
            Error::Migrate(_) => "記録データを新しい形式に更新できませんでした".into(),
            Error::Log(LogError::NoSuchEntity(_)) => "その記録はこの記録データにありません".into(),
            Error::Log(LogError::WrongType { .. }) => "指定された記録の種類が違います".into(),
            Error::Log(LogError::Db(e)) if crate::error::is_busy(e) => "記録データは別のかさねの画面またはコマンドで使用中です。そちらを閉じてからやり直してください".into(),
            Error::Log(LogError::Db(_)) => "データベースの処理で問題が起きました".into(),
            Error::Log(LogError::Audit(AuditError::Broken { seq, .. })) => format!("監査証跡の {seq} 件目が改ざんされています"),
            Error::Log(LogError::Audit(_)) => "監査証跡を読み取れません".into(),
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
                RecordError::UnknownAgency(_) => "その機関は機関一覧に登録されていません".into(),
                RecordError::AmbiguousAgency(m) => m.ja.clone(),
                RecordError::NotFound(_) => "その記録はこの記録データにありません".into(),
            },
            Error::Audit(AuditError::Broken { seq, .. }) => format!("監査証跡の {seq} 件目が改ざんされています"),
            Error::Audit(_) => "監査証跡を読み取れません".into(),
            Error::Site(s) => match s {
                SiteError::NotACard(_) => "かさねの機関確認ファイルではありません".into(),
                SiteError::CardSignature => "機関確認ファイルの署名が内容と一致しません。改ざんまたは破損の可能性があります".into(),
                SiteError::CardTooNew => "新しいバージョンのかさねの機関確認ファイルです。かさねを更新してください".into(),
                SiteError::CardOutdated(_) => "試験版のかさねで作られた古い機関確認ファイルです。相手機関に新しい機関確認ファイルを依頼し、照合番号をもう一度確認してください".into(),
                SiteError::CardTooLarge(_) => "このファイルは機関確認ファイルにしては大きすぎます。ファイルを確かめてください".into(),
                SiteError::OwnAgencyCard(name) => format!("この機関確認ファイルは、この機関（{name}）の端末だと名乗っています。相手機関のファイルではありません。この機関に加わった別のPCであれば、自機関のPCとして取り込んでください（kasane card import --own-pc）"),
                SiteError::NotOwnAgency(name) => format!("この機関確認ファイルは別の機関（{name}）のものです。この機関のPCではありません"),
                SiteError::CardAgencyChanged(_) => "この端末の機関確認ファイルは以前に別の機関のものとして登録されています。このファイルは信頼せず、相手機関に確認してください".into(),
                SiteError::OwnCard => "この端末自身の機関確認ファイルです".into(),
                SiteError::CardKeysChanged(_) => "この端末の機関確認ファイルは以前に別の鍵で登録されています。相手のPCを入れ替えた場合は、古い端末を失効させてから登録してください".into(),
                SiteError::UnknownSite(_) => "その端末の機関確認ファイルは登録されていません".into(),
                SiteError::FingerprintMismatch(_) => "照合番号が一致しません。この機関確認ファイルは信頼せず、相手に新しいファイルを依頼してください".into(),
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
                BundleError::Format(FormatError::NotABundle) => "かさねの連携ファイルではありません".into(),
                BundleError::Format(FormatError::Malformed(_)) => "連携ファイルの形式が壊れています".into(),
                BundleError::HeaderSignature => "連携ファイルの署名が一致しません。改ざんまたは破損の可能性があります".into(),
                BundleError::PayloadMismatch => "暗号化された内容が署名と一致しません。改ざんまたは破損の可能性があります".into(),
                BundleError::UnknownSender(_) => "送信元の端末の機関確認ファイルが登録されていません。先に機関確認ファイルを取り込み、照合番号を確認してください".into(),
                BundleError::RevokedSender(_) => "送信元の端末は失効しています".into(),
                BundleError::NotForUs => "この連携ファイルはこの端末あてではありません".into(),
                BundleError::Decrypt => "連携ファイルを復号できません。改ざんまたは破損の可能性があります".into(),
                BundleError::ManifestSignature => "連携ファイル内の目録の署名が一致しません".into(),
                BundleError::Readdressed => "この連携ファイルは宛先が書き換えられています".into(),
                BundleError::Segment { index, .. } => format!("連携ファイルの {} 番目の区切りの記録が検証できません", index + 1),
                BundleError::Fork { index, .. } => format!("連携ファイルの {} 番目の区切りの記録が、この端末にある記録の続きになっていません。送信元が同じ記録を二通りに書いています。相手機関に連絡してください", index + 1),
                BundleError::BadVersion(_) => "連携ファイルに存在しない版が書かれています。改ざんまたは破損の可能性があります".into(),
                BundleError::TooLarge(_) => "連携ファイルが大きすぎて安全に開けません".into(),
                BundleError::NeedsUpdate(_) => "この連携ファイルには新しいバージョンのかさねが必要です。更新するまで受信箱で待機します".into(),
                BundleError::NoRecipient(name) => format!("{name}の確認済みの端末がありません。機関確認ファイルを取り込み、照合番号を確認してください"),
                BundleError::Io { path, .. } => format!("{} を読み書きできません", path.display()),
            },
            Error::Meeting(m) => match m {
                MeetingError::UnknownType(t) => format!("「{t}」は会議の種類ではありません"),
                MeetingError::Finalised => "この会議の記録は確定済みで変更できません。訂正を追加してください".into(),
                MeetingError::AlreadyOnAgenda => "このケースはすでに検討ケースに入っています".into(),
                MeetingError::NotOnAgenda => "このケースは検討ケースに入っていません".into(),
                MeetingError::ConsentMissing(m) => m.ja.clone(),
                MeetingError::NotShareable { lead, missing } => format!("{missing}とこのケースを共有できるのは主担当機関（{lead}）だけです。主担当に依頼するか、出席機関から外してください"),
                MeetingError::ReviewMissing(items) => format!("次回見直し日が未設定の検討ケースがあります：{items}。確定の前に設定してください（終結するケースは不要）"),
                MeetingError::NotCoordinator => "この会議の記録は事務局の機関だけが行えます".into(),
            },
            Error::Db(e) if crate::error::is_busy(e) => "記録データは別のかさねの画面またはコマンドで使用中です。そちらを閉じてからやり直してください".into(),
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
