// 記録の管理の画面のうち、全記録の出力（かさねがなくても読める形式の記録一式）の文言。
// 「アーカイブ」「エクスポート」とは言わず、「全記録の出力」「記録一式」と言います。
export const records = {
  "archive.title": "全記録の出力（かさねがなくても読める形式）",
  "archive.lead":
    "この機関の記録データにあるすべての記録（他機関から共有された記録を含む）、操作の記録、印刷様式（相談受付票・支援プラン・終結シート・同意書など）を、パスワードをかけた1つのファイル（記録一式）に出力します。かさねが使えなくなっても、情報システムの担当者が一般的な道具で開いて読めます。",
  "archive.passphrase": "記録一式のパスワード（長めの文）",
  "archive.passphraseHelp":
    "記録データのパスワードとは別のものにしてください。忘れると、だれも（かさねでも）開けません。紙に書き、ファイルとは別の場所に保管してください。{min}文字以上です。",
  "archive.passphraseAgain": "記録一式のパスワード（もう一度）",
  "archive.mismatch": "2つのパスワードが一致していません。",
  "archive.folder": "出力先のフォルダ",
  "archive.folderHelp": "USBメモリやファイルサーバーなど、記録データのフォルダ以外を選んでください。同じ名前のファイルがあっても上書きしません。",
  "archive.chooseFolderTitle": "記録一式の出力先のフォルダを選んでください",
  "archive.write": "全記録を出力する",
  "archive.done": "記録一式を出力しました：{path}",
  "archive.doneCounts": "記録 {records}件、操作の記録 {audit}件、印刷様式 {forms}件（{size}、{seconds}秒）",
  "archive.doneNotice": "このファイルには、この機関の個人情報がすべて入っています。鍵のかかる場所に保管し、パスワードはファイルと別にしてください。",
  "archive.skipped": "作れなかった印刷様式が{n}件あります（記録そのものはファイルに入っています。理由はファイルの目録 manifest.json にあります）。",
  "archive.auditNotVerified": "操作の記録に書き換えの跡があります。ファイルにはそのまま入れました。情報システムの担当者に知らせてください。",
  "bundle.phase.records": "記録を集めています",
  "bundle.phase.audit": "操作の記録を集めています",
  "bundle.phase.forms": "印刷様式を作っています",
} as const;
