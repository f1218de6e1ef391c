//! A printed form saved as a PDF file: the very HTML the print preview shows, laid out off screen
//! by the system's web engine (WebKitGTK, the one the window uses) with scripts off and nothing
//! fetched, and printed to a file on A4. The web engine writes a draft under a temporary name;
//! only a whole PDF is kept, written anew by the engine (owner-only, never over another file),
//! and the vault logs it.

use std::{path::Path, time::Duration};

use serde::Deserialize;
use ts_rs::TS;

use crate::{
    desktop::Desktop,
    error::{CommandError, ErrorKind},
    exchange::{existing_folder, file_name_part, free_name, unwritable},
};

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct PdfInput {
    /// The document as the engine made it for the print preview.
    pub html: String,
    /// The form's name, the start of the file's name (相談受付票, 支援プラン 第2版 …).
    pub title: String,
    /// The folder the user chose (a full path).
    pub folder: String,
}

/// Longer than any form takes to lay out (a 40-case pack takes seconds); only a web engine that
/// never answers reaches it, and then the user gets an error instead of a window that waits
/// forever.
const LAYOUT_LIMIT: Duration = Duration::from_secs(300);

/// Writes the PDF into the chosen folder as 「<title>.pdf」 (another name if that one is taken)
/// and returns the path written.
pub fn printout_pdf(desk: &Desktop, input: PdfInput) -> Result<String, CommandError> {
    let folder = existing_folder("folder", &input.folder)?;
    desk.with_vault(|v| Ok(v.check_printout_folder(&folder)?))?;
    if !input.html.trim_start().starts_with("<!doctype html>") {
        return Err(CommandError::own(
            "input.not-a-printout",
            ErrorKind::BadInput,
            "the document to save is not one of Kasane's printouts",
        ));
    }
    let title = match file_name_part(&input.title) {
        t if t.is_empty() => "印刷".to_string(),
        t => t,
    };
    let path = free_name(&folder, &title, "pdf");
    let partial = folder.join(format!(".{}.{}.partial", title, std::process::id()));
    let laid_out = desk
        .layout()
        .ok_or_else(|| {
            CommandError::own(
                "print.no-window",
                ErrorKind::Internal,
                "a PDF is laid out by the app's window, which is not running",
            )
        })
        .and_then(|layout| layout.pdf(&input.html, &partial))
        .and_then(|()| whole_pdf(&partial));
    // The web engine's own file is only a draft: what is kept is written anew, owner-only and
    // never over another file.
    let _ = std::fs::remove_file(&partial);
    let bytes = laid_out?;
    desk.with_vault(|v| {
        v.write_new_printout(&path, &bytes).map_err(|e| unwritable(&path, e))?;
        Ok(v.printout_saved(&input.title, &path)?)
    })?;
    Ok(path.display().to_string())
}

/// A print job can end "finished" with nothing useful written (no print backend for files):
/// what is kept must at least be a whole PDF.
fn whole_pdf(path: &Path) -> Result<Vec<u8>, CommandError> {
    let bytes = std::fs::read(path).map_err(|e| unwritable(path, e))?;
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    if bytes.starts_with(b"%PDF-") && tail.windows(5).any(|w| w == b"%%EOF") {
        Ok(bytes)
    } else {
        Err(CommandError::own(
            "print.pdf-failed",
            ErrorKind::Internal,
            format!("the web engine wrote no whole PDF ({} bytes)", bytes.len()),
        ))
    }
}

/// The web engine that lays a document out, reached through the running app.
#[derive(Clone)]
pub struct Layout {
    app: tauri::AppHandle,
}

impl Layout {
    pub fn new(app: tauri::AppHandle) -> Layout {
        Layout { app }
    }

    /// Prints `html` to a PDF at `out` and returns when the file is written.
    fn pdf(&self, html: &str, out: &Path) -> Result<(), CommandError> {
        let (done, answer) = std::sync::mpsc::channel();
        let (html, out) = (html.to_string(), out.to_path_buf());
        self.app
            .run_on_main_thread(move || engine::print(html, out, done))
            .map_err(|e| CommandError::task(e.to_string()))?;
        match answer.recv_timeout(LAYOUT_LIMIT) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(detail)) => Err(CommandError::own("print.pdf-failed", ErrorKind::Internal, detail)),
            Err(e) => Err(CommandError::own(
                "print.pdf-failed",
                ErrorKind::Internal,
                format!("the web engine did not finish the PDF: {e}"),
            )),
        }
    }
}

type Done = std::sync::mpsc::Sender<Result<(), String>>;

#[cfg(target_os = "linux")]
mod engine {
    use std::{cell::Cell, path::PathBuf, rc::Rc};

    use gtk::prelude::*;
    use webkit2gtk::{LoadEvent, PrintOperationExt, SettingsExt, WebViewExt};

    use super::Done;

    /// A4 at 96 px per inch, so the off-screen page is laid out at the paper's width.
    const A4_PX: (i32, i32) = (794, 1123);

    /// Runs on the GTK main thread. The view lives in an off-screen window that is closed when
    /// the print job ends either way; `done` hears exactly once.
    pub fn print(html: String, out: PathBuf, done: Done) {
        let settings = webkit2gtk::Settings::new();
        settings.set_enable_javascript(false);
        settings.set_auto_load_images(true);
        let view = webkit2gtk::WebView::with_settings(&settings);
        let window = gtk::OffscreenWindow::new();
        window.set_default_size(A4_PX.0, A4_PX.1);
        window.add(&view);
        window.show_all();
        let uri = match gtk::glib::filename_to_uri(&out, None) {
            Ok(u) => u.to_string(),
            Err(e) => {
                let _ = done.send(Err(format!("no file address for {}: {e}", out.display())));
                window.close();
                return;
            }
        };
        let started = Rc::new(Cell::new(false));
        view.connect_load_changed(move |view, event| {
            if event != LoadEvent::Finished || started.replace(true) {
                return;
            }
            let op = webkit2gtk::PrintOperation::new(view);
            let print = gtk::PrintSettings::new();
            print.set_printer("Print to File");
            print.set(gtk::PRINT_SETTINGS_OUTPUT_URI, Some(&uri));
            print.set(gtk::PRINT_SETTINGS_OUTPUT_FILE_FORMAT, Some("pdf"));
            op.set_print_settings(&print);
            let page = gtk::PageSetup::new();
            page.set_paper_size(&gtk::PaperSize::new(Some(gtk::PAPER_NAME_A4)));
            page.set_orientation(gtk::PageOrientation::Portrait);
            // WebKitGTK takes the margins from the page setup, not from the document's @page
            // rule: the engine's margins, so the file looks like the page a browser prints.
            let [top, right, bottom, left] = kasane::PAGE_MARGINS_MM;
            page.set_top_margin(top, gtk::Unit::Mm);
            page.set_right_margin(right, gtk::Unit::Mm);
            page.set_bottom_margin(bottom, gtk::Unit::Mm);
            page.set_left_margin(left, gtk::Unit::Mm);
            op.set_page_setup(&page);
            let answered = Rc::new(Cell::new(false));
            {
                let (done, window, answered) = (done.clone(), window.clone(), answered.clone());
                op.connect_failed(move |_, e| {
                    if !answered.replace(true) {
                        let _ = done.send(Err(format!("the print job failed: {e}")));
                    }
                    window.close();
                });
            }
            {
                let (done, window) = (done.clone(), window.clone());
                op.connect_finished(move |_| {
                    if !answered.replace(true) {
                        let _ = done.send(Ok(()));
                    }
                    window.close();
                });
            }
            op.print();
        });
        view.load_html(&html, None);
    }
}

#[cfg(not(target_os = "linux"))]
mod engine {
    use std::path::PathBuf;

    use super::Done;

    /// Only WebKitGTK's print-to-file is wired so far; on other systems the print dialog's own
    /// "save as PDF" is the way, and the window says so.
    pub fn print(_html: String, _out: PathBuf, done: Done) {
        let _ = done.send(Err(
            "saving a PDF directly works on Linux only; use the print dialog's PDF printer".into(),
        ));
    }
}
