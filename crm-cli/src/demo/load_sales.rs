//! Create the sales plan through the public API: catalogue and price lists,
//! pipelines, leads (worked and converted), opportunities moved through
//! their stages, orders in batches, interactions and tasks.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use chrono::{Days, Utc};
use crm_core::{
    BuyingRole, Crm, InteractionLinks, LeadConversion, LeadPatch, LeadStatus, Money, NewInteraction, NewOpportunity,
    NewOrder, NewOrderLine, NewTask, OpportunityContact, OpportunityPartner, OpportunitySpec, Participant, PartnerType,
    PartyChoice, Pipeline, TaskPatch, TaskStatus, Uuid,
};
use indicatif::ProgressBar;
use serde::Serialize;

use super::plan::Ref;
use super::sales::{InteractionSpec, SalesPlan, Who};

/// What the sales side of the demo made.
#[derive(Debug, Default, Serialize)]
pub struct SalesCounts {
    pub products: u64,
    pub price_lists: u64,
    pub prices: u64,
    pub pipelines: u64,
    pub leads: BTreeMap<String, u64>,
    pub opportunities: BTreeMap<String, u64>,
    pub orders: u64,
    pub orders_by_channel: BTreeMap<String, u64>,
    pub orders_by_status: BTreeMap<String, u64>,
    pub interactions: u64,
    pub interactions_by_channel: BTreeMap<String, u64>,
    pub tasks: u64,
    pub tasks_open: u64,
    pub tasks_overdue: u64,
    pub tasks_done: u64,
}

struct Ids<'a> {
    orgs: &'a [Uuid],
    persons: &'a [Uuid],
    lead_person: Vec<Option<Uuid>>,
    opp_account: Vec<Option<Uuid>>,
}

impl Ids<'_> {
    fn party(&self, r: Ref) -> Uuid {
        match r {
            Ref::Org(i) => self.orgs[i],
            Ref::Person(i) => self.persons[i],
        }
    }

    fn who(&self, w: Who) -> Option<Uuid> {
        match w {
            Who::Party(r) => Some(self.party(r)),
            Who::LeadPerson(i) => self.lead_person.get(i).copied().flatten(),
            Who::OppAccount(i) => self.opp_account.get(i).copied().flatten(),
        }
    }
}

fn bump(map: &mut BTreeMap<String, u64>, key: impl Into<String>) {
    *map.entry(key.into()).or_default() += 1;
}

pub fn load(
    crm: &Crm,
    sp: &SalesPlan,
    orgs: &[Uuid],
    persons: &[Uuid],
    batch: usize,
    bar: &ProgressBar,
) -> Result<SalesCounts> {
    let mut counts = SalesCounts::default();
    bar.set_message("catalogue");
    let mut products = Vec::with_capacity(sp.products.len());
    for p in &sp.products {
        products.push(crm.create_product(p.clone()).with_context(|| format!("cannot create product {}", p.sku))?.id);
        counts.products += 1;
        bar.inc(1);
    }
    bar.set_message("price lists");
    let mut lists = Vec::with_capacity(sp.price_lists.len());
    for l in &sp.price_lists {
        let pl = crm.create_price_list(l.new.clone()).with_context(|| format!("cannot create {}", l.new.name))?;
        for (p, amount) in &l.prices {
            crm.set_price(pl.id, products[*p], Money::new(*amount, pl.currency.clone()))
                .with_context(|| format!("cannot set a price in {}", pl.name))?;
            counts.prices += 1;
        }
        counts.price_lists += 1;
        bar.inc(1 + l.prices.len() as u64);
        lists.push(pl.id);
    }
    bar.set_message("pipelines");
    let mut pipelines: Vec<Pipeline> = Vec::new();
    for p in &sp.pipelines {
        pipelines.push(crm.create_pipeline(p.clone()).with_context(|| format!("cannot create {}", p.name))?);
        counts.pipelines += 1;
        bar.inc(1);
    }
    let campaigns: Vec<Uuid> = sp.campaigns.iter().map(|_| Uuid::now_v7()).collect();
    let mut ids =
        Ids { orgs, persons, lead_person: vec![None; sp.leads.len()], opp_account: vec![None; sp.opps.len()] };
    for (k, o) in sp.opps.iter().enumerate() {
        if let Some(r) = o.account {
            ids.opp_account[k] = Some(ids.party(r));
        }
    }
    let mut opp_ids: Vec<Option<(Uuid, i64)>> = vec![None; sp.opps.len()];

    bar.set_message("leads");
    let mut lead_interactions: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, it) in sp.interactions.iter().enumerate() {
        if let Some(l) = it.lead {
            lead_interactions.entry(l).or_default().push(i);
        }
    }
    for (ix, l) in sp.leads.iter().enumerate() {
        let mut new = l.new.clone();
        new.campaign_id = l.campaign.map(|c| campaigns[c]);
        let mut lead = crm.create_lead(new).context("cannot create a lead")?;
        for &i in lead_interactions.get(&ix).map(Vec::as_slice).unwrap_or_default() {
            let links = Links { orders: &[], opps: &[], lead: Some(lead.id), campaigns: &campaigns };
            record(crm, &sp.interactions[i], &ids, &links, &mut counts)?;
        }
        for status in &l.path {
            let patch = LeadPatch {
                status: Some(*status),
                disqualify_reason: (*status == LeadStatus::Disqualified).then(|| l.disqualify_reason.clone()).flatten(),
                ..Default::default()
            };
            lead = crm.update_lead(lead.id, lead.version, &patch).context("cannot work a lead")?;
        }
        if l.convert {
            let mut how = LeadConversion {
                person: PartyChoice::New,
                organization: if lead.company_name.is_some() { PartyChoice::New } else { PartyChoice::Skip },
                opportunity: None,
            };
            if let Some(k) = l.opportunity {
                let o = &sp.opps[k];
                how.opportunity = Some(OpportunitySpec {
                    name: None,
                    pipeline_id: pipelines[o.pipeline].id,
                    amount: Money::new(o.amount, o.currency),
                    expected_close: Some(o.expected_close),
                });
            }
            let (converted, opp) = crm.convert_lead(lead.id, lead.version, &how).context("cannot convert a lead")?;
            ids.lead_person[ix] = converted.person_id;
            if let (Some(k), Some(opp)) = (l.opportunity, opp) {
                opp_ids[k] = Some((opp.id, opp.version));
                ids.opp_account[k] = Some(opp.account_id);
            }
            bump(&mut counts.leads, "converted");
        } else {
            bump(&mut counts.leads, crate::output::word(&lead.status));
        }
        bar.inc(1);
    }

    bar.set_message("opportunities");
    for (k, o) in sp.opps.iter().enumerate() {
        let pipeline = &pipelines[o.pipeline];
        let (id, mut version) = match (opp_ids[k], o.account) {
            (Some(x), _) => x,
            (None, Some(acc)) => {
                let mut new =
                    NewOpportunity::new(o.name.clone(), ids.party(acc), pipeline.id, Money::new(o.amount, o.currency));
                new.expected_close = Some(o.expected_close);
                new.owner = Some(o.owner.to_string());
                new.source = Some(o.source.to_string());
                let roles = [BuyingRole::DecisionMaker, BuyingRole::Influencer, BuyingRole::User];
                new.contacts = o
                    .contacts
                    .iter()
                    .enumerate()
                    .map(|(i, c)| OpportunityContact { party_id: ids.party(*c), buying_role: roles[i % roles.len()] })
                    .collect();
                new.partners = o
                    .partner
                    .map(|p| OpportunityPartner {
                        party_id: ids.party(p),
                        partner_role: PartnerType::Reseller,
                        primary: true,
                    })
                    .into_iter()
                    .collect();
                let opp = crm.create_opportunity(new).with_context(|| format!("cannot create {:?}", o.name))?;
                (opp.id, opp.version)
            }
            (None, None) => continue,
        };
        let mut status = String::from("open");
        for (n, s) in o.path.iter().enumerate() {
            let Some(stage) = pipeline.stages.get(*s) else { continue };
            let reason = if n + 1 == o.path.len() { o.reason } else { None };
            let moved = crm.move_opportunity(id, version, stage.id, reason).context("cannot move an opportunity")?;
            version = moved.version;
            status = crate::output::word(&moved.status);
        }
        opp_ids[k] = Some((id, version));
        bump(&mut counts.opportunities, status);
        bar.inc(1);
    }

    bar.set_message("orders");
    let mut order_ids: Vec<Option<Uuid>> = Vec::with_capacity(sp.orders.len());
    for chunk in sp.orders.chunks(batch.max(1)) {
        let mut news = Vec::with_capacity(chunk.len());
        let mut keep = Vec::with_capacity(chunk.len());
        for o in chunk {
            let Some(party_id) = ids.who(o.party) else {
                keep.push(false);
                continue;
            };
            keep.push(true);
            news.push(NewOrder {
                external_id: Some(o.external_id.clone()),
                channel: o.channel,
                party_id,
                opportunity_id: o.opportunity.and_then(|k| opp_ids[k]).map(|x| x.0),
                price_list_id: Some(lists[o.price_list]),
                currency: o.currency.to_string(),
                status: o.status,
                placed_at: Some(o.placed_at),
                lines: o.lines.iter().map(|(p, q)| NewOrderLine::product(products[*p], *q)).collect(),
            });
            bump(&mut counts.orders_by_channel, o.channel.as_str());
            bump(&mut counts.orders_by_status, o.status.as_str());
        }
        let created = crm.create_orders(news).context("cannot create a batch of orders")?;
        let mut it = created.into_iter();
        for k in keep {
            order_ids.push(if k { it.next().map(|o| o.id) } else { None });
        }
        counts.orders = order_ids.iter().flatten().count() as u64;
        bar.inc(chunk.len() as u64);
    }

    bar.set_message("interactions");
    let opp_only: Vec<Option<Uuid>> = opp_ids.iter().map(|x| x.map(|x| x.0)).collect();
    for it in &sp.interactions {
        if it.lead.is_some() {
            continue;
        }
        // The interactions of an opportunity that was never opened (a lead
        // not converted after all) are left out.
        if it.opportunity.is_some_and(|k| opp_only[k].is_none()) {
            continue;
        }
        let links = Links { orders: &order_ids, opps: &opp_only, lead: None, campaigns: &campaigns };
        record(crm, it, &ids, &links, &mut counts)?;
        bar.inc(1);
    }

    bar.set_message("tasks");
    let today = Utc::now().date_naive();
    for t in &sp.tasks {
        let Some(party_id) = ids.who(t.party) else { continue };
        let day = if t.due_in_days >= 0 {
            today.checked_add_days(Days::new(t.due_in_days as u64))
        } else {
            today.checked_sub_days(Days::new(t.due_in_days.unsigned_abs()))
        }
        .unwrap_or(today);
        let due = day.and_hms_opt(16, 0, 0).unwrap_or_default().and_utc();
        let task = crm
            .create_task(NewTask {
                subject: t.subject.clone(),
                description: None,
                due_at: Some(due),
                owner: Some(t.owner.to_string()),
                priority: t.priority,
                party_id: Some(party_id),
                link: None,
            })
            .context("cannot create a task")?;
        counts.tasks += 1;
        if t.done {
            let patch = TaskPatch { status: Some(TaskStatus::Done), ..Default::default() };
            crm.update_task(task.id, task.version, &patch).context("cannot complete a task")?;
            counts.tasks_done += 1;
        } else {
            counts.tasks_open += 1;
            if due < Utc::now() {
                counts.tasks_overdue += 1;
            }
        }
        bar.inc(1);
    }
    Ok(counts)
}

/// The ids that interactions link to.
struct Links<'a> {
    orders: &'a [Option<Uuid>],
    opps: &'a [Option<Uuid>],
    lead: Option<Uuid>,
    campaigns: &'a [Uuid],
}

/// Record one interaction of the plan.
fn record(crm: &Crm, it: &InteractionSpec, ids: &Ids<'_>, links: &Links<'_>, counts: &mut SalesCounts) -> Result<()> {
    let mut participants: Vec<Participant> = Vec::new();
    for (w, role) in &it.parties {
        if let Some(id) = ids.who(*w)
            && !participants.iter().any(|p| p.party_id == id)
        {
            participants.push(Participant { party_id: id, role: *role });
        }
    }
    if participants.is_empty() && links.lead.is_none() {
        return Ok(());
    }
    let new = NewInteraction {
        channel: it.channel,
        direction: it.direction,
        occurred_at: Some(it.at),
        duration_seconds: it.minutes.map(|m| m * 60),
        subject: it.subject.clone(),
        body: None,
        outcome: it.outcome.map(str::to_string),
        participants,
        links: InteractionLinks {
            opportunity_id: it.opportunity.and_then(|o| links.opps.get(o).copied().flatten()),
            order_id: it.order.and_then(|o| links.orders.get(o).copied().flatten()),
            campaign_id: it.campaign.map(|c| links.campaigns[c]),
            case_id: None,
            lead_id: links.lead,
        },
    };
    crm.record_interaction(new).with_context(|| format!("cannot record {:?}", it.subject))?;
    counts.interactions += 1;
    bump(&mut counts.interactions_by_channel, it.channel.as_str());
    Ok(())
}
