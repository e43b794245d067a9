//! The invoice processing queue (spec 3.2, `:invoices`): every uploaded invoice, open ones first
//! (needing review first), with what was read beside the list: each field's confidence, the
//! work-order match, the GL code, the price check and why it needs a person. `a` approves the
//! selected invoice as read after a confirm that shows what it becomes; corrections are made with
//! `unitcycle invoices approve --…` or on the desktop beside the PDF.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;
use unitcycle_core::format::money;
use unitcycle_core::invoice_processing::record::InvoiceAiExtraction;
use uuid::Uuid;

use super::{placeholder, Cursor, Screen};
use crate::app::form;
use crate::app::keys::{self, Action, Binding};
use crate::app::worker::maintenance::{MaintData, MaintRequest};
use crate::app::worker::{Data, Request};
use crate::app::{theme, Cx, Env, Nav};
use crate::commands::invoices::describe;

#[derive(Default)]
pub struct Invoices {
    rows: Option<Vec<InvoiceAiExtraction>>,
    error: Option<String>,
    cursor: Cursor,
    /// Approving: the invoice waiting for `y`.
    confirming: Option<Uuid>,
    busy: bool,
}

impl Invoices {
    fn selected(&self) -> Option<&InvoiceAiExtraction> {
        self.rows.as_ref().and_then(|r| r.get(self.cursor.selected))
    }
}

impl Screen for Invoices {
    fn title(&self) -> String {
        "Invoices".into()
    }
    fn nav(&self) -> Nav {
        Nav::Invoices
    }
    fn bindings(&self) -> &'static [Binding] {
        keys::INVOICES
    }
    fn reload(&mut self, cx: &mut Cx) {
        cx.request(Request::Maintenance(MaintRequest::Invoices));
    }
    fn loading(&self) -> bool {
        self.rows.is_none() && self.error.is_none()
    }
    fn capturing(&self) -> bool {
        self.confirming.is_some() || self.busy
    }
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) {
        if self.busy {
            return;
        }
        let Some(invoice_id) = self.confirming else { return };
        match key.code {
            KeyCode::Char('y') | KeyCode::Enter => {
                self.confirming = None;
                self.busy = true;
                cx.request(Request::Maintenance(MaintRequest::ApproveInvoice { invoice_id, now: cx.now }));
            }
            KeyCode::Char('n') | KeyCode::Esc => {
                self.confirming = None;
                cx.message("Cancelled: nothing was changed");
            }
            _ => {}
        }
    }
    fn on_action(&mut self, action: Action, cx: &mut Cx) {
        match action {
            Action::Approve => match self.selected() {
                Some(x) if x.status == "approved" => cx.message("This invoice is already approved"),
                Some(x) => self.confirming = Some(x.invoice_id),
                None => cx.message("No invoice to approve"),
            },
            other => {
                self.cursor.apply(other);
            }
        }
    }
    fn on_data(&mut self, data: Data, cx: &mut Cx) {
        match data {
            Data::Maintenance(MaintData::Invoices(rows)) => {
                self.cursor.len = rows.len();
                self.cursor.selected = self.cursor.selected.min(rows.len().saturating_sub(1));
                self.rows = Some(rows);
                self.error = None;
            }
            Data::Maintenance(MaintData::InvoiceApproved(x)) => {
                self.busy = false;
                cx.message(format!(
                    "Approved: invoice {} from {} for {}",
                    x.extracted_invoice_number,
                    x.extracted_vendor_name,
                    x.extracted_total.map_or_else(|| "—".into(), money)
                ));
                self.reload(cx);
            }
            Data::Error(e) if self.busy => {
                self.busy = false;
                cx.message(format!("Refused: {e}"));
            }
            Data::Error(e) => self.error = Some(e),
            _ => {}
        }
    }
    fn draw(&self, f: &mut Frame, area: Rect, _env: &Env) {
        let Some(rows) = &self.rows else { return placeholder(f, area, &self.error) };
        if rows.is_empty() {
            let text = "No invoices uploaded yet: `unitcycle invoices upload FILE.pdf` reads one (or upload it on \
                        the desktop or to the server).";
            f.render_widget(
                Paragraph::new(Line::styled(text, theme::dim()))
                    .wrap(Wrap { trim: true })
                    .block(Block::bordered().border_style(theme::dim())),
                area,
            );
            return;
        }
        let [list, detail] = Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area);
        let right = |t: String| Cell::from(Line::from(t).alignment(Alignment::Right));
        let header = Row::new(vec![
            Cell::from("Status"),
            Cell::from("Vendor"),
            Cell::from("Number"),
            right("Total".into()),
            right("Conf".into()),
        ])
        .style(theme::bold().fg(theme::accent()));
        let height = usize::from(list.height.saturating_sub(3)).max(1);
        self.cursor.height.set(height);
        let first = self.cursor.first_visible(height);
        let body: Vec<Row> = rows
            .iter()
            .skip(first)
            .take(height)
            .map(|x| {
                let status = if x.needs_review && x.status != "approved" { "review" } else { x.status.as_str() };
                let style = if status == "review" { theme::error() } else { ratatui::style::Style::new() };
                Row::new(vec![
                    Cell::from(Line::styled(status.to_string(), style)),
                    Cell::from(x.extracted_vendor_name.clone()),
                    Cell::from(x.extracted_invoice_number.clone()),
                    right(x.extracted_total.map_or_else(|| "—".into(), money)),
                    right(format!("{:.0}%", x.extraction_confidence.unwrap_or(0.0) * 100.0)),
                ])
            })
            .collect();
        let widths = [
            Constraint::Length(9),
            Constraint::Fill(1),
            Constraint::Length(14),
            Constraint::Length(11),
            Constraint::Length(5),
        ];
        let table = Table::new(body, widths)
            .header(header)
            .block(Block::bordered().title(format!(" Processing queue ({}) ", rows.len())).border_style(theme::dim()))
            .row_highlight_style(theme::selected())
            .highlight_symbol("▸");
        let mut state = TableState::default().with_selected(Some(self.cursor.selected - first));
        f.render_stateful_widget(table, list, &mut state);
        if let Some(x) = self.selected() {
            let lines: Vec<Line> = describe(x).into_iter().map(Line::raw).collect();
            f.render_widget(
                Paragraph::new(lines)
                    .wrap(Wrap { trim: false })
                    .block(Block::bordered().title(" What was read ").border_style(theme::dim())),
                detail,
            );
        }
        if self.busy {
            form::popup(f, area, "Saving", vec![Line::styled("Approving the invoice…", theme::dim())], 3);
        } else if let Some(x) = self.confirming.and_then(|id| rows.iter().find(|x| x.invoice_id == id)) {
            let text = |s: &str| if s.is_empty() { "—".to_string() } else { s.to_string() };
            let mut lines = vec![
                Line::raw(format!("Vendor          {}", text(&x.extracted_vendor_name))),
                Line::raw(format!("Invoice number  {}", text(&x.extracted_invoice_number))),
                Line::raw(format!("Invoice date    {}", unitcycle_core::format::opt_date(x.extracted_date))),
                Line::raw(format!("Total           {}", x.extracted_total.map_or_else(|| "—".into(), money))),
                Line::raw(format!("Lines           {}", x.extracted_line_items.len())),
                Line::raw(format!("GL code         {}", text(&x.suggested_gl_code))),
                Line::raw(""),
                Line::raw("The invoice is approved with these figures, its lines and GL code."),
                Line::raw("Nothing is paid or sent."),
            ];
            if x.needs_review {
                lines.insert(
                    7,
                    Line::styled(format!("{} note(s) to review first", x.review_notes.len()), theme::error()),
                );
            }
            lines.push(Line::styled("y / Enter: approve    n / Esc: cancel", theme::bold()));
            let height = (lines.len() + 2).min(u16::MAX as usize) as u16;
            form::popup(f, area, "Approve this invoice as read?", lines, height);
        }
    }
}
