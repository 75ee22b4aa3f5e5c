//! The printer owns stdout (results) and stderr (progress, warnings) for one run.

use crate::settings::{OutputFormat, Settings};
use anyhow::{Context, Result};
use comfy_table::{presets, ContentArrangement, Table};
use facectl_core::progress::{Progress, ProgressEvent};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use std::io::Write;
use std::sync::Mutex;

/// Where output goes and how it looks.
#[derive(Clone, Debug)]
pub struct Printer {
    pub output: OutputFormat,
    pub quiet: bool,
    pub progress: bool,
    pub color: bool,
}

impl Printer {
    pub fn new(s: &Settings) -> Self {
        Printer {
            output: s.output,
            quiet: s.quiet,
            progress: s.progress,
            color: s.color,
        }
    }

    /// Print a value as pretty JSON (or one line for jsonl).
    pub fn json<T: Serialize>(&self, value: &T) -> Result<()> {
        let mut out = std::io::stdout().lock();
        if self.output == OutputFormat::Jsonl {
            serde_json::to_writer(&mut out, value)?;
        } else {
            serde_json::to_writer_pretty(&mut out, value)?;
        }
        writeln!(out)?;
        Ok(())
    }

    /// Print each item as one JSON line.
    pub fn jsonl<T: Serialize>(&self, items: impl IntoIterator<Item = T>) -> Result<()> {
        let mut out = std::io::stdout().lock();
        for item in items {
            serde_json::to_writer(&mut out, &item)?;
            writeln!(out)?;
        }
        Ok(())
    }

    /// Print rows as CSV with a header.
    pub fn csv(&self, header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> Result<()> {
        let mut w = csv::Writer::from_writer(std::io::stdout().lock());
        w.write_record(header)?;
        for row in rows {
            w.write_record(&row)?;
        }
        w.flush().context("writing CSV")?;
        Ok(())
    }

    /// A table with facectl's style.
    pub fn table(&self, header: &[&str]) -> Table {
        let mut t = Table::new();
        t.load_preset(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_header(header.iter().copied());
        if !self.color {
            t.force_no_tty();
        }
        t
    }

    pub fn print_table(&self, t: &Table) -> Result<()> {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{t}")?;
        Ok(())
    }

    /// A line for people on stdout (table mode only: headings, notes next to tables).
    pub fn line(&self, text: &str) -> Result<()> {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{text}")?;
        Ok(())
    }

    /// A note on stderr, unless quiet.
    pub fn note(&self, text: &str) {
        if !self.quiet {
            eprintln!("{text}");
        }
    }

    /// A progress receiver: a bar on a terminal, failure lines otherwise.
    pub fn progress(&self) -> BarProgress {
        BarProgress {
            bar: Mutex::new(None),
            show_bar: self.progress,
            quiet: self.quiet,
        }
    }
}

/// Shows service progress as an indicatif bar; failures are printed as one line each.
pub struct BarProgress {
    bar: Mutex<Option<ProgressBar>>,
    show_bar: bool,
    quiet: bool,
}

impl BarProgress {
    fn with_bar(&self, f: impl FnOnce(&ProgressBar)) {
        if let Ok(guard) = self.bar.lock() {
            if let Some(bar) = guard.as_ref() {
                f(bar);
            }
        }
    }

    fn say(&self, line: String) {
        if self.quiet {
            return;
        }
        let mut printed = false;
        self.with_bar(|b| {
            b.suspend(|| eprintln!("{line}"));
            printed = true;
        });
        if !printed {
            eprintln!("{line}");
        }
    }
}

impl Progress for BarProgress {
    fn event(&self, event: ProgressEvent) {
        match event {
            ProgressEvent::Started { total, label } => {
                if !self.show_bar {
                    return;
                }
                let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
                let style = ProgressStyle::with_template(
                    "{msg:>10} [{bar:30}] {pos}/{len} {per_sec} eta {eta} ",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
                bar.set_style(style);
                bar.set_message(label);
                if let Ok(mut guard) = self.bar.lock() {
                    *guard = Some(bar);
                }
            }
            ProgressEvent::ItemDone { item, outcome, ok } => {
                if !ok {
                    // Reasons from the image layer already start with the file name.
                    if outcome.contains(&item) {
                        self.say(format!("warning: {outcome}"));
                    } else {
                        self.say(format!("warning: {item}: {outcome}"));
                    }
                }
                self.with_bar(|b| b.inc(1));
            }
            ProgressEvent::Note(text) => self.say(text),
            ProgressEvent::Finished => {
                if let Ok(mut guard) = self.bar.lock() {
                    if let Some(bar) = guard.take() {
                        bar.finish_and_clear();
                    }
                }
            }
        }
    }
}

/// A long-running command's log (`watch`, `lambda`): one line per photo on stderr as it
/// happens; on a terminal also a status line under them with the running counts and rate.
pub struct LiveLog {
    bar: Option<ProgressBar>,
    quiet: bool,
    counts: Mutex<LiveCounts>,
    started: std::time::Instant,
}

/// What a [`LiveLog`] has seen so far.
#[derive(Default, Debug, PartialEq)]
struct LiveCounts {
    imported: u64,
    skipped: u64,
    no_face: u64,
    multiple_faces: u64,
    failed: u64,
}

impl LiveCounts {
    /// Counts one finished photo (`outcome` is the status name, or the reason for a failure).
    fn add(&mut self, outcome: &str, ok: bool) {
        match (ok, outcome) {
            (false, _) => self.failed += 1,
            (true, "imported") => self.imported += 1,
            (true, "skipped") => self.skipped += 1,
            (true, "no_face") => self.no_face += 1,
            (true, "multiple_faces") => self.multiple_faces += 1,
            (true, _) => {}
        }
    }

    fn total(&self) -> u64 {
        self.imported + self.skipped + self.no_face + self.multiple_faces + self.failed
    }

    /// The status line: counts, then photos per second since the start.
    fn line(&self, label: &str, elapsed: f64) -> String {
        let rate = if elapsed > 0.0 {
            self.total() as f64 / elapsed
        } else {
            0.0
        };
        format!(
            "{label}: {} imported, {} skipped, {} without a face, {} with several faces, {} failed ({rate:.1} photos/s)",
            self.imported, self.skipped, self.no_face, self.multiple_faces, self.failed
        )
    }
}

impl Printer {
    /// A [`LiveLog`] for a command that runs until stopped; `label` heads its status line.
    pub fn live_log(&self, label: &str) -> LiveLog {
        let bar = (self.progress && !self.quiet).then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template("{spinner} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner());
            bar.set_style(style);
            bar.set_message(LiveCounts::default().line(label, 0.0));
            bar.enable_steady_tick(std::time::Duration::from_millis(250));
            bar.set_prefix(label.to_string());
            bar
        });
        LiveLog {
            bar,
            quiet: self.quiet,
            counts: Mutex::new(LiveCounts::default()),
            started: std::time::Instant::now(),
        }
    }
}

impl LiveLog {
    fn say(&self, line: String) {
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }
}

impl Progress for LiveLog {
    fn event(&self, event: ProgressEvent) {
        if self.quiet {
            return;
        }
        match event {
            ProgressEvent::ItemDone { item, outcome, ok } => {
                if !ok && outcome.contains(&item) {
                    self.say(format!("failed: {outcome}"));
                } else if !ok {
                    self.say(format!("failed: {item}: {outcome}"));
                } else {
                    self.say(format!("{outcome}: {item}"));
                }
                if let (Some(bar), Ok(mut counts)) = (&self.bar, self.counts.lock()) {
                    counts.add(&outcome, ok);
                    let elapsed = self.started.elapsed().as_secs_f64();
                    bar.set_message(counts.line(&bar.prefix(), elapsed));
                }
            }
            ProgressEvent::Note(text) => self.say(text),
            ProgressEvent::Finished => {
                if let Some(bar) = &self.bar {
                    bar.finish_and_clear();
                }
            }
            ProgressEvent::Started { .. } => {}
        }
    }
}

impl Drop for LiveLog {
    fn drop(&mut self) {
        // A run that ends in an error never sends `Finished`: leave no status line behind.
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Format a similarity for tables.
pub fn pct(v: f32) -> String {
    format!("{v:.1}")
}

/// Format a box for tables.
pub fn bbox(b: &facectl_core::model::BoundingBox) -> String {
    format!("{:.0},{:.0} {:.0}x{:.0}", b.x, b.y, b.width, b.height)
}

#[cfg(test)]
mod tests {
    use super::LiveCounts;

    #[test]
    fn the_live_status_line_counts_each_outcome_and_failures_by_their_flag() {
        let mut c = LiveCounts::default();
        for (outcome, ok) in [
            ("imported", true),
            ("imported", true),
            ("skipped", true),
            ("no_face", true),
            ("multiple_faces", true),
            // A failure's outcome is its reason, which may mention any status word.
            ("a.jpg: imported half, then: disk full", false),
        ] {
            c.add(outcome, ok);
        }
        assert_eq!(
            c,
            LiveCounts {
                imported: 2,
                skipped: 1,
                no_face: 1,
                multiple_faces: 1,
                failed: 1
            }
        );
        assert_eq!(
            c.line("watching uploads/", 2.0),
            "watching uploads/: 2 imported, 1 skipped, 1 without a face, 1 with several faces, 1 failed (3.0 photos/s)"
        );
    }
}
