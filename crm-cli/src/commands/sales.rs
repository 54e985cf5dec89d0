//! `crm pipeline`, `crm opp`, `crm lead`, `crm product`, `crm price-list`
//! and `crm order`: the sales side of the base.

use std::io::Write;
use std::path::Path;

use anyhow::Result;
use crm_core::{
    Crm, Lead, LeadConversion, LeadStatus, Money, NewLead, NewOpportunity, NewOrder, NewOrderLine, NewPipeline,
    NewPriceList, NewProduct, NewStage, Opportunity, Order, OrderChannel, OrderQuery, OrderStatus, PartyChoice,
    Pipeline, PipelineSummary, PriceList, Product, Utm, Uuid,
};
use serde::Serialize;

use super::{
    clip, invalid, money, name_of, names, open_read, open_write, opt_time, parse_id, parse_money, pipeline, resolve,
    stage,
};
use crate::cli::{
    LeadCommand, LeadStatusArg, OppCommand, OrderChannelArg, OrderCommand, OrderStatusArg, PipelineCommand,
    PriceListCommand, ProductCommand,
};
use crate::output;

pub fn order_status(s: OrderStatusArg) -> OrderStatus {
    match s {
        OrderStatusArg::Draft => OrderStatus::Draft,
        OrderStatusArg::Placed => OrderStatus::Placed,
        OrderStatusArg::Paid => OrderStatus::Paid,
        OrderStatusArg::Shipped => OrderStatus::Shipped,
        OrderStatusArg::Delivered => OrderStatus::Delivered,
        OrderStatusArg::Cancelled => OrderStatus::Cancelled,
        OrderStatusArg::Returned => OrderStatus::Returned,
    }
}

fn order_channel(c: OrderChannelArg) -> OrderChannel {
    match c {
        OrderChannelArg::WebShop => OrderChannel::WebShop,
        OrderChannelArg::Store => OrderChannel::Store,
        OrderChannelArg::Partner => OrderChannel::Partner,
        OrderChannelArg::Phone => OrderChannel::Phone,
        OrderChannelArg::Marketplace => OrderChannel::Marketplace,
        OrderChannelArg::Direct => OrderChannel::Direct,
    }
}

fn lead_status(s: LeadStatusArg) -> LeadStatus {
    match s {
        LeadStatusArg::New => LeadStatus::New,
        LeadStatusArg::Working => LeadStatus::Working,
        LeadStatusArg::Qualified => LeadStatus::Qualified,
        LeadStatusArg::Converted => LeadStatus::Converted,
        LeadStatusArg::Disqualified => LeadStatus::Disqualified,
    }
}

/// Amounts per currency on one line: "1200.00 EUR, 9000.00 NOK".
pub fn amounts(m: &std::collections::BTreeMap<String, i64>) -> String {
    m.iter().map(|(c, a)| money(*a, c)).collect::<Vec<_>>().join(", ")
}

// ---------------------------------------------------------------- pipelines

/// A pipeline and its summary, as `--json` prints them.
#[derive(Serialize)]
struct PipelineView {
    pipeline: Pipeline,
    summary: PipelineSummary,
}

pub fn pipelines(db: &Path, json: bool, cmd: Option<&PipelineCommand>, out: &mut dyn Write) -> Result<()> {
    match cmd {
        None | Some(PipelineCommand::List) => {
            let crm = open_read(db)?;
            let mut views = Vec::new();
            for p in crm.pipelines()? {
                let summary = crm.pipeline_summary(p.id)?;
                views.push(PipelineView { pipeline: p, summary });
            }
            if json {
                return output::json(out, &views);
            }
            if views.is_empty() {
                writeln!(out, "No pipelines: add one with `crm pipeline add`.")?;
            }
            for (i, v) in views.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                print_pipeline(v, out)?;
            }
            Ok(())
        }
        Some(PipelineCommand::Show { pipeline: name }) => {
            let crm = open_read(db)?;
            let p = pipeline(&crm, name)?;
            let summary = crm.pipeline_summary(p.id)?;
            let v = PipelineView { pipeline: p, summary };
            if json {
                return output::json(out, &v);
            }
            print_pipeline(&v, out)
        }
        Some(PipelineCommand::Add { name, stages, won, lost }) => {
            let mut new = NewPipeline { name: name.clone(), stages: Vec::new() };
            for (i, s) in stages.iter().enumerate() {
                let (n, p) = s.rsplit_once(':').ok_or_else(|| {
                    invalid(format!("stages[{i}]"), format!("{s:?} is not NAME:PERCENT (Qualify:10)"))
                })?;
                let p: u8 = p
                    .trim()
                    .parse()
                    .map_err(|_| invalid(format!("stages[{i}].probability"), format!("{p:?} is not a percentage")))?;
                new.stages.push(NewStage::open(n.trim(), p));
            }
            new.stages.push(NewStage::won(won.clone()));
            new.stages.push(NewStage::lost(lost.clone()));
            let crm = open_write(db)?;
            let p = crm.create_pipeline(new)?;
            if json {
                return output::json(out, &p);
            }
            let stages: Vec<&str> = p.stages.iter().map(|s| s.name.as_str()).collect();
            writeln!(out, "Created pipeline {} ({}): {}", p.name, p.id, stages.join(" → "))?;
            Ok(())
        }
    }
}

fn print_pipeline(v: &PipelineView, out: &mut dyn Write) -> Result<()> {
    writeln!(out, "{} ({})", v.pipeline.name, v.pipeline.id)?;
    let mut t = output::table(&["stage", "probability", "outcome", "opportunities", "amount", "weighted"]);
    for (s, st) in v.summary.stages.iter().zip(&v.pipeline.stages) {
        t.add_row(vec![
            s.name.clone(),
            format!("{} %", st.probability),
            output::word(&s.outcome),
            s.count.to_string(),
            amounts(&s.amount),
            amounts(&s.weighted_amount),
        ]);
    }
    output::print_table(out, &t)
}

// ------------------------------------------------------------ opportunities

pub fn opp(db: &Path, json: bool, cmd: &OppCommand, out: &mut dyn Write) -> Result<()> {
    match cmd {
        OppCommand::Add {
            name,
            account,
            pipeline: pl,
            amount,
            currency,
            stage: st,
            probability,
            close,
            owner,
            source,
        } => {
            let crm = open_write(db)?;
            let account_id = resolve(&crm, account)?;
            let p = pipeline(&crm, pl)?;
            let minor = parse_money("amount", amount, currency)?;
            let mut new = NewOpportunity::new(name.clone(), account_id, p.id, Money::new(minor, currency.clone()));
            new.stage_id = st.as_deref().map(|s| stage(&p, s)).transpose()?;
            new.probability = *probability;
            new.expected_close = *close;
            new.owner = owner.clone();
            new.source = source.clone();
            let o = crm.create_opportunity(new)?;
            if json {
                return output::json(out, &o);
            }
            writeln!(out, "Created opportunity {} ({}): {}", o.name, o.id, o.amount)?;
            Ok(())
        }
        OppCommand::Move { opportunity, stage: st, reason } => {
            let crm = open_write(db)?;
            let id = parse_id("opportunity", opportunity)?;
            let o = crm.get_opportunity(id)?;
            let p = crm.get_pipeline(o.pipeline_id)?;
            let stage_id = stage(&p, st)?;
            let o = crm.move_opportunity(id, o.version, stage_id, reason.as_deref())?;
            if json {
                return output::json(out, &o);
            }
            let name = p.stages.iter().find(|s| s.id == o.stage_id).map(|s| s.name.clone()).unwrap_or_default();
            writeln!(out, "{} is now in {name} ({}, {} %)", o.name, output::word(&o.status), o.effective_probability)?;
            Ok(())
        }
        OppCommand::Show { opportunity } => {
            let crm = open_read(db)?;
            let o = crm.get_opportunity(parse_id("opportunity", opportunity)?)?;
            if json {
                return output::json(out, &o);
            }
            show_opp(&crm, &o, out)
        }
        OppCommand::List { account } => {
            let crm = open_read(db)?;
            let id = resolve(&crm, account)?;
            let list = crm.opportunities_of(id)?;
            if json {
                return output::json(out, &list);
            }
            if list.is_empty() {
                writeln!(out, "No opportunities.")?;
                return Ok(());
            }
            let pipelines = crm.pipelines()?;
            let stage_name = |o: &Opportunity| {
                pipelines
                    .iter()
                    .flat_map(|p| &p.stages)
                    .find(|s| s.id == o.stage_id)
                    .map(|s| s.name.clone())
                    .unwrap_or_default()
            };
            let mut t = output::table(&["name", "stage", "status", "amount", "prob.", "close", "owner", "id"]);
            for o in &list {
                t.add_row(vec![
                    clip(&o.name, 40),
                    stage_name(o),
                    output::word(&o.status),
                    o.amount.to_string(),
                    format!("{} %", o.effective_probability),
                    output::date(o.expected_close),
                    o.owner.clone().unwrap_or_default(),
                    o.id.to_string(),
                ]);
            }
            output::print_table(out, &t)
        }
    }
}

fn show_opp(crm: &Crm, o: &Opportunity, out: &mut dyn Write) -> Result<()> {
    let p = crm.get_pipeline(o.pipeline_id)?;
    let stage_name = |id: Uuid| p.stages.iter().find(|s| s.id == id).map(|s| s.name.clone()).unwrap_or_default();
    let ids = std::iter::once(o.account_id)
        .chain(o.contacts.iter().map(|c| c.party_id))
        .chain(o.partners.iter().map(|c| c.party_id));
    let names = names(crm, ids);
    let rows = [
        ("id", o.id.to_string()),
        ("name", o.name.clone()),
        ("account", format!("{} ({})", name_of(&names, o.account_id), o.account_id)),
        ("pipeline", p.name.clone()),
        ("stage", stage_name(o.stage_id)),
        ("status", output::word(&o.status)),
        ("amount", o.amount.to_string()),
        ("probability", format!("{} %", o.effective_probability)),
        ("weighted", money(o.weighted_amount, &o.amount.currency)),
        ("expected close", output::date(o.expected_close)),
        ("owner", o.owner.clone().unwrap_or_default()),
        ("source", o.source.clone().unwrap_or_default()),
        ("lead", o.lead_id.map(|l| l.to_string()).unwrap_or_default()),
        ("close reason", o.close_reason.clone().unwrap_or_default()),
        ("closed", o.closed_at.map(|t| t.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default()),
        ("version", o.version.to_string()),
    ];
    output::print_table(out, &output::fields_table(&rows))?;
    if !o.contacts.is_empty() {
        output::heading(out, "Contacts")?;
        let mut t = output::table(&["party", "buying role", "party id"]);
        for c in &o.contacts {
            t.add_row(vec![name_of(&names, c.party_id), output::word(&c.buying_role), c.party_id.to_string()]);
        }
        output::print_table(out, &t)?;
    }
    if !o.partners.is_empty() {
        output::heading(out, "Partners")?;
        let mut t = output::table(&["party", "role", "primary", "party id"]);
        for c in &o.partners {
            t.add_row(vec![
                name_of(&names, c.party_id),
                output::word(&c.partner_role),
                if c.primary { "yes" } else { "" }.to_string(),
                c.party_id.to_string(),
            ]);
        }
        output::print_table(out, &t)?;
    }
    output::heading(out, "Stage history")?;
    let mut t = output::table(&["stage", "entered", "left"]);
    for v in &o.stage_history {
        t.add_row(vec![
            stage_name(v.stage_id),
            v.entered_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            v.left_at.map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string()).unwrap_or_default(),
        ]);
    }
    output::print_table(out, &t)
}

// -------------------------------------------------------------------- leads

pub fn lead(db: &Path, json: bool, cmd: &LeadCommand, out: &mut dyn Write) -> Result<()> {
    match cmd {
        LeadCommand::Add { given, family, email, phone, company, title, country, source, campaign, owner, notes } => {
            let crm = open_write(db)?;
            let new = NewLead {
                source: source.clone(),
                campaign_id: None,
                utm: Utm { campaign: campaign.clone(), source: source.clone(), ..Default::default() },
                given_name: given.clone(),
                family_name: family.clone(),
                email: email.clone(),
                phone: phone.clone(),
                company_name: company.clone(),
                title: title.clone(),
                country: country.clone(),
                notes: notes.clone(),
                owner: owner.clone(),
                created_at: None,
            };
            let l = crm.create_lead(new)?;
            if json {
                return output::json(out, &l);
            }
            writeln!(out, "Created lead {} ({}), score {}", lead_name(&l), l.id, l.score)?;
            Ok(())
        }
        LeadCommand::List { status, limit } => {
            let crm = open_read(db)?;
            let leads = crm.leads(status.map(lead_status), *limit)?;
            if json {
                return output::json(out, &leads);
            }
            if leads.is_empty() {
                writeln!(out, "No leads.")?;
                return Ok(());
            }
            let mut t =
                output::table(&["name", "company", "email", "source", "campaign", "status", "score", "owner", "id"]);
            for l in &leads {
                t.add_row(vec![
                    clip(&person_name(l), 30),
                    clip(l.company_name.as_deref().unwrap_or(""), 30),
                    l.email.clone().unwrap_or_default(),
                    l.source.clone().unwrap_or_default(),
                    l.utm.campaign.clone().unwrap_or_default(),
                    output::word(&l.status),
                    l.score.to_string(),
                    l.owner.clone().unwrap_or_default(),
                    l.id.to_string(),
                ]);
            }
            output::print_table(out, &t)?;
            writeln!(out, "{} leads", leads.len())?;
            Ok(())
        }
        LeadCommand::Convert {
            lead,
            opportunity_pipeline,
            amount,
            currency,
            opportunity_name,
            close,
            person,
            organization,
        } => {
            let crm = open_write(db)?;
            let id = parse_id("lead", lead)?;
            let l = crm.get_lead(id)?;
            let mut how = LeadConversion::default();
            if let Some(p) = person {
                how.person = PartyChoice::Existing(resolve(&crm, p)?);
            }
            if let Some(o) = organization {
                how.organization = PartyChoice::Existing(resolve(&crm, o)?);
            }
            how.opportunity = match (opportunity_pipeline, amount) {
                (Some(pl), Some(a)) => Some(crm_core::OpportunitySpec {
                    name: opportunity_name.clone(),
                    pipeline_id: pipeline(&crm, pl)?.id,
                    amount: Money::new(parse_money("opportunity.amount", a, currency)?, currency.clone()),
                    expected_close: *close,
                }),
                (Some(_), None) => {
                    return Err(invalid("opportunity.amount", "an opportunity needs --amount"));
                }
                (None, Some(_)) => {
                    return Err(invalid("opportunity.pipeline_id", "an opportunity needs --opportunity-pipeline"));
                }
                (None, None) => None,
            };
            let (l, o) = crm.convert_lead(id, l.version, &how)?;
            if json {
                #[derive(Serialize)]
                struct Converted {
                    lead: Lead,
                    opportunity: Option<Opportunity>,
                }
                return output::json(out, &Converted { lead: l, opportunity: o });
            }
            writeln!(out, "Converted lead {} ({})", lead_name(&l), l.id)?;
            if let Some(p) = l.person_id {
                writeln!(out, "  person:       {p}")?;
            }
            if let Some(p) = l.organization_id {
                writeln!(out, "  organization: {p}")?;
            }
            if let Some(o) = o {
                writeln!(out, "  opportunity:  {} ({}), {}", o.name, o.id, o.amount)?;
            }
            Ok(())
        }
    }
}

fn person_name(l: &Lead) -> String {
    [l.given_name.as_deref(), l.family_name.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ")
}

fn lead_name(l: &Lead) -> String {
    let p = person_name(l);
    if !p.is_empty() {
        return p;
    }
    l.company_name.clone().or(l.email.clone()).or(l.phone.clone()).unwrap_or_default()
}

// ----------------------------------------------------------------- products

pub fn product(db: &Path, json: bool, cmd: &ProductCommand, out: &mut dyn Write) -> Result<()> {
    match cmd {
        ProductCommand::Add { sku, name, category, unit, description } => {
            let crm = open_write(db)?;
            let new = NewProduct {
                sku: sku.clone(),
                name: name.clone(),
                category: category.clone(),
                unit: unit.clone(),
                description: description.clone(),
            };
            let p = crm.create_product(new)?;
            if json {
                return output::json(out, &p);
            }
            writeln!(out, "Created product {} {} ({})", p.sku, p.name, p.id)?;
            Ok(())
        }
        ProductCommand::List { category, include_inactive } => {
            let crm = open_read(db)?;
            let list = crm.products(category.as_deref(), *include_inactive)?;
            if json {
                return output::json(out, &list);
            }
            if list.is_empty() {
                writeln!(out, "No products.")?;
                return Ok(());
            }
            output::print_table(out, &products_table(&list))?;
            writeln!(out, "{} products", list.len())?;
            Ok(())
        }
    }
}

fn products_table(list: &[Product]) -> comfy_table::Table {
    let mut t = output::table(&["sku", "name", "category", "unit", "active", "id"]);
    for p in list {
        t.add_row(vec![
            p.sku.clone(),
            p.name.clone(),
            p.category.clone().unwrap_or_default(),
            p.unit.clone(),
            if p.active { "yes" } else { "no" }.to_string(),
            p.id.to_string(),
        ]);
    }
    t
}

/// A product by SKU (or id); an unknown one is an error of `field`.
fn product_ref(crm: &Crm, field: &str, text: &str) -> Result<Product> {
    if let Ok(id) = Uuid::parse_str(text.trim()) {
        return crm.get_product(id).map_err(|_| invalid(field, format!("no product {id}")));
    }
    match crm.product_by_sku(text.trim()) {
        Ok(p) => Ok(p),
        Err(e) if e.kind() == crm_core::ErrorKind::NotFound => {
            Err(invalid(field, format!("no product with the SKU {:?}", text.trim())))
        }
        Err(e) => Err(e.into()),
    }
}

// -------------------------------------------------------------- price lists

fn price_list_ref(crm: &Crm, text: &str) -> Result<PriceList> {
    if let Ok(id) = Uuid::parse_str(text.trim()) {
        return crm.get_price_list(id).map_err(|_| invalid("price_list", format!("no price list {id}")));
    }
    crm.price_lists()?
        .into_iter()
        .find(|p| p.name.eq_ignore_ascii_case(text.trim()))
        .ok_or_else(|| invalid("price_list", format!("no price list {text:?}")))
}

pub fn price_list(db: &Path, json: bool, cmd: &PriceListCommand, out: &mut dyn Write) -> Result<()> {
    match cmd {
        PriceListCommand::Add { name, currency, tier, segment, from, to } => {
            let crm = open_write(db)?;
            let new = NewPriceList {
                name: name.clone(),
                currency: currency.clone(),
                tier: tier.clone(),
                segment: segment.clone(),
                valid_from: *from,
                valid_to: *to,
            };
            let pl = crm.create_price_list(new)?;
            if json {
                return output::json(out, &pl);
            }
            writeln!(out, "Created price list {} in {} ({})", pl.name, pl.currency, pl.id)?;
            Ok(())
        }
        PriceListCommand::Set { price_list: list, sku, price } => {
            let crm = open_write(db)?;
            let pl = price_list_ref(&crm, list)?;
            let product = product_ref(&crm, "sku", sku)?;
            let amount = parse_money("unit_price", price, &pl.currency)?;
            crm.set_price(pl.id, product.id, Money::new(amount, pl.currency.clone()))?;
            if json {
                #[derive(Serialize)]
                struct Set<'a> {
                    price_list_id: Uuid,
                    product_id: Uuid,
                    sku: &'a str,
                    unit_price: Money,
                }
                let unit_price = Money::new(amount, pl.currency.clone());
                return output::json(
                    out,
                    &Set { price_list_id: pl.id, product_id: product.id, sku: &product.sku, unit_price },
                );
            }
            writeln!(out, "{}: {} costs {}", pl.name, product.sku, money(amount, &pl.currency))?;
            Ok(())
        }
        PriceListCommand::List => {
            let crm = open_read(db)?;
            let lists = crm.price_lists()?;
            if json {
                return output::json(out, &lists);
            }
            if lists.is_empty() {
                writeln!(out, "No price lists.")?;
                return Ok(());
            }
            let mut t = output::table(&["name", "currency", "tier", "segment", "from", "to", "id"]);
            for p in &lists {
                t.add_row(vec![
                    p.name.clone(),
                    p.currency.clone(),
                    p.tier.clone().unwrap_or_default(),
                    p.segment.clone().unwrap_or_default(),
                    output::date(p.valid_from),
                    output::date(p.valid_to),
                    p.id.to_string(),
                ]);
            }
            output::print_table(out, &t)
        }
    }
}

// ------------------------------------------------------------------- orders

/// Read `SKU:QTY[:PRICE]`: the SKU, the quantity and the price text.
fn split_line(i: usize, text: &str) -> Result<(String, i64, Option<String>)> {
    let mut parts = text.splitn(3, ':');
    let sku = parts.next().unwrap_or_default().trim().to_string();
    let qty = parts.next().map(str::trim);
    let price = parts.next().map(|p| p.trim().to_string());
    if sku.is_empty() {
        return Err(invalid(format!("lines[{i}].sku"), format!("{text:?} is not SKU:QUANTITY[:UNIT_PRICE]")));
    }
    let quantity = match qty {
        None => {
            return Err(invalid(format!("lines[{i}].quantity"), format!("{text:?} has no quantity (SKU:QUANTITY)")));
        }
        Some(q) => q
            .parse::<i64>()
            .map_err(|_| invalid(format!("lines[{i}].quantity"), format!("{q:?} is not a whole number")))?,
    };
    Ok((sku, quantity, price))
}

pub fn order(db: &Path, json: bool, cmd: &OrderCommand, out: &mut dyn Write) -> Result<()> {
    match cmd {
        OrderCommand::Add { party, currency, lines, channel, price_list, status, placed_at, external_id, tax } => {
            let crm = open_write(db)?;
            let party_id = resolve(&crm, party)?;
            let price_list_id = price_list.as_deref().map(|p| price_list_ref(&crm, p)).transpose()?.map(|p| p.id);
            let tax_rate_bp = match tax {
                None => 0,
                Some(t) => {
                    let bp = parse_money("tax_rate_bp", t, "EUR")?;
                    u32::try_from(bp)
                        .map_err(|_| invalid("tax_rate_bp", format!("{t:?} is not a tax rate in percent")))?
                }
            };
            let mut new = NewOrder::new(party_id, currency.clone());
            new.channel = order_channel(*channel);
            new.price_list_id = price_list_id;
            new.status = order_status(*status);
            new.placed_at = opt_time("placed_at", placed_at.as_deref())?;
            new.external_id = external_id.clone();
            for (i, l) in lines.iter().enumerate() {
                let (sku, quantity, price) = split_line(i, l)?;
                let product = product_ref(&crm, &format!("lines[{i}].sku"), &sku)?;
                let mut line = NewOrderLine::product(product.id, quantity);
                line.unit_price =
                    price.map(|p| parse_money(&format!("lines[{i}].unit_price"), &p, currency)).transpose()?;
                line.tax_rate_bp = tax_rate_bp;
                new.lines.push(line);
            }
            let o = crm.create_order(new)?;
            if json {
                return output::json(out, &o);
            }
            writeln!(
                out,
                "Created order {} ({}), {} lines, total {}",
                o.id,
                o.status.as_str(),
                o.lines.len(),
                total(&o)
            )?;
            Ok(())
        }
        OrderCommand::Show { order } => {
            let crm = open_read(db)?;
            let o = crm.get_order(parse_id("order", order)?)?;
            if json {
                return output::json(out, &o);
            }
            show_order(&crm, &o, out)
        }
        OrderCommand::List { party, status, from, to, limit, after } => {
            let crm = open_read(db)?;
            let query = OrderQuery {
                party_id: party.as_deref().map(|p| resolve(&crm, p)).transpose()?,
                status: status.map(order_status),
                from: opt_time("from", from.as_deref())?,
                to: opt_time("to", to.as_deref())?,
                limit: *limit,
                after: after.clone(),
            };
            let page = crm.orders(&query)?;
            if json {
                return output::json(out, &page);
            }
            if page.items.is_empty() {
                writeln!(out, "No orders match.")?;
                return Ok(());
            }
            let names = names(&crm, page.items.iter().map(|o| o.party_id));
            let mut t = output::table(&["placed", "customer", "channel", "status", "lines", "total", "id"]);
            for o in &page.items {
                t.add_row(vec![
                    o.placed_at.map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_default(),
                    clip(&name_of(&names, o.party_id), 36),
                    o.channel.as_str().to_string(),
                    o.status.as_str().to_string(),
                    o.lines.len().to_string(),
                    total(o),
                    o.id.to_string(),
                ]);
            }
            output::print_table(out, &t)?;
            if let Some(next) = &page.next {
                writeln!(out, "next: {next}")?;
            }
            Ok(())
        }
        OrderCommand::Status { order, status } => {
            let crm = open_write(db)?;
            let id = parse_id("order", order)?;
            let o = crm.get_order(id)?;
            let o = crm.set_order_status(id, o.version, order_status(*status))?;
            if json {
                return output::json(out, &o);
            }
            writeln!(out, "Order {} is now {}", o.id, o.status.as_str())?;
            Ok(())
        }
    }
}

fn total(o: &Order) -> String {
    money(o.total, &o.currency)
}

fn show_order(crm: &Crm, o: &Order, out: &mut dyn Write) -> Result<()> {
    let names = names(crm, [o.party_id]);
    let rows = [
        ("id", o.id.to_string()),
        ("customer", format!("{} ({})", name_of(&names, o.party_id), o.party_id)),
        ("channel", o.channel.as_str().to_string()),
        ("external id", o.external_id.clone().unwrap_or_default()),
        ("status", o.status.as_str().to_string()),
        ("placed", o.placed_at.map(|t| t.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default()),
        ("opportunity", o.opportunity_id.map(|t| t.to_string()).unwrap_or_default()),
        ("price list", o.price_list_id.map(|t| t.to_string()).unwrap_or_default()),
        ("subtotal", money(o.subtotal, &o.currency)),
        ("discount", if o.discount == 0 { String::new() } else { money(o.discount, &o.currency) }),
        ("tax", money(o.tax, &o.currency)),
        ("total", money(o.total, &o.currency)),
        ("version", o.version.to_string()),
    ];
    output::print_table(out, &output::fields_table(&rows))?;
    output::heading(out, "Lines")?;
    let mut t = output::table(&["#", "description", "qty", "unit price", "discount", "tax", "total"]);
    for l in &o.lines {
        t.add_row(vec![
            l.line_no.to_string(),
            clip(&l.description, 50),
            l.quantity.to_string(),
            money(l.unit_price, &o.currency),
            if l.discount == 0 { String::new() } else { money(l.discount, &o.currency) },
            money(l.tax, &o.currency),
            money(l.total, &o.currency),
        ]);
    }
    output::print_table(out, &t)?;
    output::heading(out, "Status history")?;
    let mut t = output::table(&["from", "to", "at", "by"]);
    for c in &o.status_history {
        t.add_row(vec![
            c.from.map(|s| s.as_str().to_string()).unwrap_or_default(),
            c.to.as_str().to_string(),
            c.at.format("%Y-%m-%d %H:%M:%S").to_string(),
            c.actor.clone(),
        ]);
    }
    output::print_table(out, &t)
}
