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

/// Format a similarity for tables.
pub fn pct(v: f32) -> String {
    format!("{v:.1}")
}

/// Format a box for tables.
pub fn bbox(b: &facectl_core::model::BoundingBox) -> String {
    format!("{:.0},{:.0} {:.0}x{:.0}", b.x, b.y, b.width, b.height)
}
