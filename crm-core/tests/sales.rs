//! Sales: pipelines, opportunities, products, price lists, orders and leads.

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use common::{fingerprint, temp_base};
use crm_core::{
    BuyingRole, Channel, Crm, CustomerRole, ErrorKind, InteractionLinks, LeadConversion, LeadPatch, LeadStatus, Money,
    NewInteraction, NewLead, NewOpportunity, NewOrder, NewOrderLine, NewParty, NewPipeline, NewPriceList, NewProduct,
    NewStage, OpportunityContact, OpportunitySpec, OpportunityStatus, OrderChannel, OrderQuery, OrderStatus,
    PartyChoice, RoleDetails, StageOutcome, TimelineQuery, UpsertOutcome, Uuid,
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn pipeline(crm: &Crm, name: &str) -> crm_core::Pipeline {
    crm.create_pipeline(NewPipeline {
        name: name.into(),
        stages: vec![
            NewStage::open("Qualify", 10),
            NewStage::open("Propose", 40),
            NewStage::open("Negotiate", 70),
            NewStage::won("Won"),
            NewStage::lost("Lost"),
        ],
    })
    .unwrap()
}

#[test]
fn opportunities_move_through_stages() {
    let crm = Crm::open_in_memory().unwrap();
    let p = pipeline(&crm, "B2B");
    let other = pipeline(&crm, "Retail");
    let acme = crm.create_party(NewParty::organization("Acme SIA")).unwrap();
    let anna = crm.create_party(NewParty::person("Anna", "Liepa")).unwrap();
    let mut new = NewOpportunity::new("Acme rollout", acme.id, p.id, Money::new(1_000_000, "eur"));
    new.contacts = vec![OpportunityContact { party_id: anna.id, buying_role: BuyingRole::DecisionMaker }];
    new.expected_close = Some(d(2025, 6, 30));
    let o = crm.create_opportunity(new).unwrap();
    assert_eq!(o.stage_id, p.stages[0].id);
    assert_eq!(o.amount.currency, "EUR");
    assert_eq!(o.weighted_amount, 100_000);
    assert_eq!(o.stage_history.len(), 1);
    // A stage of another pipeline is refused, and changes nothing.
    let r = crm.move_opportunity(o.id, o.version, other.stages[1].id, None);
    assert_eq!(r.unwrap_err().field(), Some("stage_id"));
    assert_eq!(crm.get_opportunity(o.id).unwrap(), o);
    let o = crm.move_opportunity(o.id, o.version, p.stage("Negotiate").unwrap().id, None).unwrap();
    assert_eq!(o.weighted_amount, 700_000);
    assert_eq!(o.stage_history.len(), 2);
    assert!(o.stage_history[0].left_at.is_some());
    let o = crm.move_opportunity(o.id, o.version, p.stage("Won").unwrap().id, Some("best offer")).unwrap();
    assert_eq!(o.status, OpportunityStatus::Won);
    assert_eq!(o.close_reason.as_deref(), Some("best offer"));
    assert!(o.closed_at.is_some());
    // A second one, lost, and a third still open in another currency.
    let o2 = crm.create_opportunity(NewOpportunity::new("Small", anna.id, p.id, Money::new(5_000, "EUR"))).unwrap();
    crm.move_opportunity(o2.id, o2.version, p.stage("Lost").unwrap().id, Some("price")).unwrap();
    let mut n3 = NewOpportunity::new("Norway", acme.id, p.id, Money::new(20_000, "NOK"));
    n3.probability = Some(55);
    let o3 = crm.create_opportunity(n3).unwrap();
    assert_eq!(o3.weighted_amount, 11_000);
    let summary = crm.pipeline_summary(p.id).unwrap();
    let by = |name: &str| summary.stages.iter().find(|s| s.name == name).unwrap().clone();
    assert_eq!(by("Won").count, 1);
    assert_eq!(by("Won").amount["EUR"], 1_000_000);
    assert_eq!(by("Lost").count, 1);
    assert_eq!(by("Qualify").count, 1);
    assert_eq!(by("Qualify").weighted_amount["NOK"], 11_000);
    assert_eq!(by("Propose").count, 0);
    assert_eq!(summary.stages.iter().map(|s| s.outcome).filter(|o| *o == StageOutcome::Open).count(), 3);
    assert_eq!(crm.opportunities_of(acme.id).unwrap().len(), 2);
}

#[test]
fn bad_pipelines_and_opportunities() {
    let crm = Crm::open_in_memory().unwrap();
    let r = crm
        .create_pipeline(NewPipeline { name: "X".into(), stages: vec![NewStage::open("A", 10), NewStage::won("W")] });
    assert_eq!(r.unwrap_err().field(), Some("stages"));
    let r = crm.create_pipeline(NewPipeline {
        name: "X".into(),
        stages: vec![NewStage::open("A", 110), NewStage::won("W"), NewStage::lost("L")],
    });
    assert_eq!(r.unwrap_err().field(), Some("stages[0].probability"));
    let p = pipeline(&crm, "B2B");
    assert_eq!(
        crm.create_pipeline(NewPipeline { name: "B2B".into(), stages: vec![] }).unwrap_err().kind(),
        ErrorKind::Validation
    );
    let acme = crm.create_party(NewParty::organization("Acme")).unwrap();
    let r = crm.create_opportunity(NewOpportunity::new("X", acme.id, p.id, Money::new(-1, "EUR")));
    assert_eq!(r.unwrap_err().field(), Some("amount"));
    let r = crm.create_opportunity(NewOpportunity::new("X", acme.id, p.id, Money::new(1, "EURO")));
    assert_eq!(r.unwrap_err().field(), Some("amount.currency"));
    let r = crm.create_opportunity(NewOpportunity::new("X", Uuid::now_v7(), p.id, Money::new(1, "EUR")));
    assert_eq!(r.unwrap_err().kind(), ErrorKind::NotFound);
    let mut n = NewOpportunity::new("X", acme.id, p.id, Money::new(1, "EUR"));
    n.stage_id = Some(Uuid::now_v7());
    assert_eq!(crm.create_opportunity(n).unwrap_err().field(), Some("stage_id"));
}

fn catalog(crm: &Crm) -> (crm_core::Product, crm_core::PriceList) {
    let shoe = crm
        .create_product(NewProduct { category: Some("shoes".into()), ..NewProduct::new("SHOE-1", "Trail shoe") })
        .unwrap();
    let list = crm.create_price_list(NewPriceList::new("EUR list", "EUR")).unwrap();
    crm.set_price(list.id, shoe.id, Money::new(9_900, "EUR")).unwrap();
    (shoe, list)
}

#[test]
fn prices_by_tier_segment_and_date() {
    let crm = Crm::open_in_memory().unwrap();
    let (shoe, list) = catalog(&crm);
    let gold = crm
        .create_price_list(NewPriceList { tier: Some("gold".into()), ..NewPriceList::new("Gold EUR", "EUR") })
        .unwrap();
    crm.set_price(gold.id, shoe.id, Money::new(8_000, "EUR")).unwrap();
    let students = crm
        .create_price_list(NewPriceList { segment: Some("student".into()), ..NewPriceList::new("Students", "EUR") })
        .unwrap();
    crm.set_price(students.id, shoe.id, Money::new(8_500, "EUR")).unwrap();
    let summer = crm
        .create_price_list(NewPriceList {
            valid_from: Some(d(2025, 6, 1)),
            valid_to: Some(d(2025, 8, 31)),
            ..NewPriceList::new("Summer sale", "EUR")
        })
        .unwrap();
    crm.set_price(summer.id, shoe.id, Money::new(7_500, "EUR")).unwrap();
    let nok = crm.create_price_list(NewPriceList::new("NOK list", "NOK")).unwrap();
    crm.set_price(nok.id, shoe.id, Money::new(110_000, "NOK")).unwrap();

    let vip = crm
        .create_party(
            NewParty::person("Kari", "Nordmann")
                .with_role(RoleDetails::Customer(CustomerRole { tier: Some("gold".into()), ..Default::default() })),
        )
        .unwrap();
    let student = crm.create_party(NewParty::person("Ola", "Student").with_tag("student")).unwrap();
    let anyone = crm.create_party(NewParty::person("Any", "One")).unwrap();
    let price =
        |p: Option<Uuid>, date, cur: &str| crm.price_for(shoe.id, p, date, cur).unwrap().map(|q| q.unit_price.amount);
    assert_eq!(price(Some(vip.id), d(2025, 3, 1), "EUR"), Some(8_000));
    assert_eq!(price(Some(student.id), d(2025, 3, 1), "EUR"), Some(8_500));
    assert_eq!(price(Some(anyone.id), d(2025, 3, 1), "EUR"), Some(9_900));
    assert_eq!(price(Some(anyone.id), d(2025, 7, 1), "EUR"), Some(7_500), "the newer generic list wins in its span");
    assert_eq!(price(None, d(2025, 3, 1), "NOK"), Some(110_000));
    assert_eq!(price(None, d(2025, 3, 1), "SEK"), None);
    // A price in another currency than the list's is refused.
    let r = crm.set_price(list.id, shoe.id, Money::new(100, "NOK"));
    assert_eq!(r.unwrap_err().field(), Some("currency"));
    assert_eq!(crm.price_for(shoe.id, None, d(2025, 3, 1), "EUR").unwrap().unwrap().price_list_id, list.id);
    assert_eq!(crm.product_by_sku("SHOE-1").unwrap().id, shoe.id);
    assert_eq!(crm.create_product(NewProduct::new("SHOE-1", "Again")).unwrap_err().field(), Some("sku"));
}

#[test]
fn orders_total_in_integers_and_follow_the_status_road() {
    let crm = Crm::open_in_memory().unwrap();
    let (shoe, list) = catalog(&crm);
    let anna = crm.create_party(NewParty::person("Anna", "Liepa")).unwrap();
    let mut new = NewOrder::new(anna.id, "EUR");
    new.price_list_id = Some(list.id);
    new.lines = vec![
        NewOrderLine { discount: 900, tax_rate_bp: 2100, ..NewOrderLine::product(shoe.id, 3) },
        NewOrderLine {
            product_id: None,
            description: Some("Delivery".into()),
            quantity: 1,
            unit_price: Some(495),
            discount: 0,
            tax_rate_bp: 2100,
        },
    ];
    let o = crm.create_order(new).unwrap();
    assert_eq!(o.lines[0].unit_price, 9_900);
    assert_eq!(o.lines[0].net, 28_800);
    assert_eq!(o.lines[0].tax, 6_048);
    assert_eq!(o.lines[1].tax, 104); // 103.95 rounds up
    assert_eq!((o.subtotal, o.discount, o.tax, o.total), (30_195, 900, 6_152, 35_447));
    assert_eq!(o.status, OrderStatus::Draft);
    assert!(o.placed_at.is_none());
    let o = crm.set_order_status(o.id, o.version, OrderStatus::Placed).unwrap();
    assert!(o.placed_at.is_some());
    let o = crm.set_order_status(o.id, o.version, OrderStatus::Paid).unwrap();
    let o = crm.set_order_status(o.id, o.version, OrderStatus::Shipped).unwrap();
    let o = crm.set_order_status(o.id, o.version, OrderStatus::Delivered).unwrap();
    assert_eq!(o.status_history.len(), 5);
    assert_eq!(o.status_history[4].from, Some(OrderStatus::Shipped));
    // delivered → draft is not allowed, and nothing changes.
    let r = crm.set_order_status(o.id, o.version, OrderStatus::Draft);
    assert_eq!(r.unwrap_err().field(), Some("status"));
    assert_eq!(crm.get_order(o.id).unwrap(), o);
    let o = crm.set_order_status(o.id, o.version, OrderStatus::Returned).unwrap();
    assert_eq!(o.status, OrderStatus::Returned);
    let page = crm.orders(&OrderQuery { party_id: Some(anna.id), ..Default::default() }).unwrap();
    assert_eq!(page.items.len(), 1);
}

#[test]
fn bad_orders_change_nothing() {
    let b = temp_base();
    let crm = &b.crm;
    let (shoe, list) = catalog(crm);
    let anna = crm.create_party(NewParty::person("Anna", "Liepa")).unwrap();
    let base = |lines: Vec<NewOrderLine>| NewOrder { lines, ..NewOrder::new(anna.id, "EUR") };
    let before = fingerprint(&b.path);
    let field = |r: crm_core::Result<crm_core::Order>| r.unwrap_err().field().map(str::to_string);
    // A negative quantity.
    assert_eq!(
        field(crm.create_order(base(vec![NewOrderLine::product(shoe.id, -2)]))).as_deref(),
        Some("lines[0].quantity")
    );
    // A currency that differs from the price list's.
    let mut nok = base(vec![NewOrderLine::product(shoe.id, 1)]);
    nok.currency = "NOK".into();
    nok.price_list_id = Some(list.id);
    assert_eq!(field(crm.create_order(nok)).as_deref(), Some("currency"));
    // No price to be found, no lines, a discount larger than the line.
    let mut sek = base(vec![NewOrderLine::product(shoe.id, 1)]);
    sek.currency = "SEK".into();
    assert_eq!(field(crm.create_order(sek)).as_deref(), Some("lines[0].unit_price"));
    assert_eq!(field(crm.create_order(base(vec![]))).as_deref(), Some("lines"));
    let big = NewOrderLine { discount: 100_000, ..NewOrderLine::product(shoe.id, 1) };
    assert_eq!(field(crm.create_order(base(vec![big]))).as_deref(), Some("lines[0].discount"));
    assert_eq!(fingerprint(&b.path), before);
    // An opportunity that is not won.
    let p = pipeline(crm, "P");
    let opp = crm.create_opportunity(NewOpportunity::new("O", anna.id, p.id, Money::new(1, "EUR"))).unwrap();
    let before = fingerprint(&b.path);
    let mut from_open = base(vec![NewOrderLine::product(shoe.id, 1)]);
    from_open.opportunity_id = Some(opp.id);
    assert_eq!(field(crm.create_order(from_open)).as_deref(), Some("opportunity_id"));
    assert_eq!(fingerprint(&b.path), before);
    // An order for an archived party.
    let anna = crm.archive_party(anna.id, anna.version).unwrap();
    let before = fingerprint(&b.path);
    let archived = NewOrder { lines: vec![NewOrderLine::product(shoe.id, 1)], ..NewOrder::new(anna.id, "EUR") };
    assert_eq!(field(crm.create_order(archived)).as_deref(), Some("party_id"));
    // A batch with one bad order stores none.
    let ok = NewOrder { lines: vec![NewOrderLine::product(shoe.id, 1)], ..NewOrder::new(Uuid::now_v7(), "EUR") };
    let r = crm.create_orders(vec![ok]);
    assert_eq!(r.unwrap_err().kind(), ErrorKind::NotFound);
    assert_eq!(fingerprint(&b.path), before);
}

#[test]
fn importing_the_same_order_twice_stores_it_once() {
    let crm = Crm::open_in_memory().unwrap();
    let (shoe, _) = catalog(&crm);
    let anna = crm.create_party(NewParty::person("Anna", "Liepa")).unwrap();
    let placed = Utc.with_ymd_and_hms(2025, 5, 1, 12, 0, 0).unwrap();
    let order = |qty: i64, status: OrderStatus| NewOrder {
        external_id: Some("SHOP-1001".into()),
        channel: OrderChannel::WebShop,
        status,
        placed_at: Some(placed),
        lines: vec![NewOrderLine::product(shoe.id, qty)],
        ..NewOrder::new(anna.id, "EUR")
    };
    let (a, outcome) = crm.import_order(order(1, OrderStatus::Placed)).unwrap();
    assert_eq!(outcome, UpsertOutcome::Created);
    let (b, outcome) = crm.import_order(order(1, OrderStatus::Placed)).unwrap();
    assert_eq!(outcome, UpsertOutcome::Unchanged);
    assert_eq!(a, b);
    let (c, outcome) = crm.import_order(order(2, OrderStatus::Shipped)).unwrap();
    assert_eq!(outcome, UpsertOutcome::Updated);
    assert_eq!(c.id, a.id);
    assert_eq!(c.version, 2);
    assert_eq!(c.total, 19_800);
    let statuses: Vec<_> = c.status_history.iter().map(|s| s.to).collect();
    assert_eq!(statuses, [OrderStatus::Placed, OrderStatus::Paid, OrderStatus::Shipped]);
    // Sent again without a placing time, an order keeps the one stored.
    let mut undated = order(2, OrderStatus::Shipped);
    undated.placed_at = None;
    assert_eq!(crm.import_order(undated).unwrap().1, UpsertOutcome::Unchanged);
    // Going back is refused.
    let r = crm.import_order(order(2, OrderStatus::Draft));
    assert_eq!(r.unwrap_err().field(), Some("status"));
    assert_eq!(crm.orders(&OrderQuery::default()).unwrap().items.len(), 1);
    assert_eq!(crm.order_by_external_id(OrderChannel::WebShop, "SHOP-1001").unwrap().id, a.id);
    // The same external id from another channel is another order.
    let mut store = order(1, OrderStatus::Placed);
    store.channel = OrderChannel::Store;
    assert_eq!(crm.import_order(store).unwrap().1, UpsertOutcome::Created);
    // create_order refuses a known external id.
    assert_eq!(crm.create_order(order(1, OrderStatus::Placed)).unwrap_err().field(), Some("external_id"));
}

#[test]
fn leads_score_qualify_and_convert() {
    let crm = Crm::open_in_memory().unwrap();
    let p = pipeline(&crm, "B2B");
    let lead = crm
        .create_lead(NewLead {
            source: Some("Referral".into()),
            given_name: Some("Ingrid".into()),
            family_name: Some("Østby".into()),
            email: Some("Ingrid@Fjord.no".into()),
            phone: Some("+47 22 33 44 55".into()),
            company_name: Some("Fjord AS".into()),
            title: Some("Head of IT".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(lead.email.as_deref(), Some("ingrid@fjord.no"));
    assert_eq!(lead.score, 10 + 10 + 15 + 20 + 10);
    // An interaction before conversion.
    let mut call = NewInteraction::new(Channel::PhoneCall, "Intro call", Uuid::nil(), crm_core::ParticipantRole::To);
    call.participants.clear();
    call.links = InteractionLinks { lead_id: Some(lead.id), ..Default::default() };
    crm.record_interaction(call).unwrap();
    // new → converted directly by status is not allowed; disqualify needs a reason.
    let r = crm.update_lead(
        lead.id,
        lead.version,
        &LeadPatch { status: Some(LeadStatus::Converted), ..Default::default() },
    );
    assert_eq!(r.unwrap_err().field(), Some("status"));
    let r = crm.update_lead(
        lead.id,
        lead.version,
        &LeadPatch { status: Some(LeadStatus::Disqualified), ..Default::default() },
    );
    assert_eq!(r.unwrap_err().field(), Some("disqualify_reason"));
    let lead = crm
        .update_lead(lead.id, lead.version, &LeadPatch { status: Some(LeadStatus::Qualified), ..Default::default() })
        .unwrap();
    let how = LeadConversion {
        opportunity: Some(OpportunitySpec {
            name: None,
            pipeline_id: p.id,
            amount: Money::new(50_000, "NOK"),
            expected_close: None,
        }),
        ..Default::default()
    };
    let (converted, opp) = crm.convert_lead(lead.id, lead.version, &how).unwrap();
    assert_eq!(converted.status, LeadStatus::Converted);
    let person = crm.get_party(converted.person_id.unwrap()).unwrap();
    let org = crm.get_party(converted.organization_id.unwrap()).unwrap();
    assert_eq!(person.display_name, "Ingrid Østby");
    assert_eq!(person.parent_id, Some(org.id));
    // The lead's call is now the person's, and found among theirs.
    assert_eq!(crm.search_interactions("intro", Some(person.id), 10).unwrap().len(), 1);
    assert_eq!(org.display_name, "Fjord AS");
    let opp = opp.unwrap();
    assert_eq!(opp.account_id, org.id);
    assert_eq!(opp.lead_id, Some(lead.id));
    assert_eq!(opp.contacts[0].party_id, person.id);
    assert_eq!(converted.opportunity_id, Some(opp.id));
    // The interaction moved along.
    let timeline = crm.timeline(person.id, &TimelineQuery::default()).unwrap();
    assert_eq!(timeline.items[0].subject, "Intro call");
    assert_eq!(crm.lead_interactions(lead.id).unwrap().len(), 1);
    // Converting twice is refused.
    let r = crm.convert_lead(converted.id, converted.version, &LeadConversion::default());
    assert_eq!(r.unwrap_err().field(), Some("status"));
}

#[test]
fn converting_into_existing_parties_fills_only_empty_fields() {
    let b = temp_base();
    let crm = &b.crm;
    let existing =
        crm.create_party(NewParty { display_name: Some("I. Østby".into()), ..NewParty::person("", "Østby") }).unwrap();
    let org = crm.create_party(NewParty::organization("Fjord Holding AS")).unwrap();
    let lead = crm
        .create_lead(NewLead {
            given_name: Some("Ingrid".into()),
            family_name: Some("Hansen".into()),
            email: Some("ingrid@fjord.no".into()),
            company_name: Some("Fjord AS".into()),
            ..Default::default()
        })
        .unwrap();
    let how = LeadConversion {
        person: PartyChoice::Existing(existing.id),
        organization: PartyChoice::Existing(org.id),
        opportunity: None,
    };
    let (converted, opp) = crm.convert_lead(lead.id, lead.version, &how).unwrap();
    assert!(opp.is_none());
    let person = crm.get_party(existing.id).unwrap();
    assert_eq!(person.given_name.as_deref(), Some("Ingrid"), "the empty given name was filled");
    assert_eq!(person.family_name.as_deref(), Some("Østby"), "the family name was kept");
    assert_eq!(person.display_name, "I. Østby");
    assert_eq!(person.contact_points.len(), 1);
    assert_eq!(person.parent_id, Some(org.id));
    assert_eq!(crm.get_party(org.id).unwrap().display_name, "Fjord Holding AS");
    assert_eq!(converted.person_id, Some(existing.id));
    // A failing conversion changes nothing.
    let lead2 = crm.create_lead(NewLead { email: Some("x@y.no".into()), ..Default::default() }).unwrap();
    let before = fingerprint(&b.path);
    let bad = LeadConversion { person: PartyChoice::Existing(org.id), ..Default::default() };
    assert_eq!(crm.convert_lead(lead2.id, lead2.version, &bad).unwrap_err().field(), Some("person"));
    assert_eq!(fingerprint(&b.path), before);
    let r = crm.create_lead(NewLead::default());
    assert_eq!(r.unwrap_err().kind(), ErrorKind::Validation);
    let r = crm.create_lead(NewLead { email: Some("nope".into()), ..Default::default() });
    assert_eq!(r.unwrap_err().field(), Some("email"));
}

#[test]
fn history_from_another_system_keeps_its_dates() {
    let crm = Crm::open_in_memory().unwrap();
    let p = pipeline(&crm, "B2B");
    let acme = crm.create_party(NewParty::organization("Acme")).unwrap();
    let opened = Utc.with_ymd_and_hms(2024, 1, 10, 9, 0, 0).unwrap();
    let mut n = NewOpportunity::new("Old deal", acme.id, p.id, Money::new(1_000, "EUR"));
    n.created_at = Some(opened);
    let o = crm.create_opportunity(n).unwrap();
    assert_eq!(o.created_at, opened);
    assert_eq!(o.stage_history[0].entered_at, opened);
    let later = Utc.with_ymd_and_hms(2024, 2, 1, 9, 0, 0).unwrap();
    let o = crm.move_opportunity_at(o.id, o.version, p.stages[3].id, Some("signed"), Some(later)).unwrap();
    assert_eq!(o.closed_at, Some(later));
    assert_eq!(o.stage_history[0].left_at, Some(later));
    // Not before the current stage began, not in the future.
    let r = crm.move_opportunity_at(o.id, o.version, p.stages[0].id, None, Some(opened));
    assert_eq!(r.unwrap_err().field(), Some("at"));
    let mut future = NewOpportunity::new("Future", acme.id, p.id, Money::new(1, "EUR"));
    future.created_at = Some(Utc::now() + chrono::Duration::days(1));
    assert_eq!(crm.create_opportunity(future).unwrap_err().field(), Some("created_at"));
    let lead = crm
        .create_lead(NewLead { email: Some("a@b.lv".into()), created_at: Some(opened), ..Default::default() })
        .unwrap();
    assert_eq!(lead.created_at, opened);
}

#[test]
fn a_price_list_lists_its_prices() {
    let crm = Crm::open_in_memory().unwrap();
    let (shoe, list) = catalog(&crm);
    let sock = crm.create_product(NewProduct::new("SOCK", "Sock")).unwrap();
    crm.set_price(list.id, sock.id, Money::new(500, "EUR")).unwrap();
    let prices = crm.price_list_prices(list.id).unwrap();
    let skus: Vec<(&str, i64)> = prices.iter().map(|(p, m)| (p.sku.as_str(), m.amount)).collect();
    assert_eq!(skus, [("SHOE-1", 9_900), ("SOCK", 500)]);
    assert_eq!(prices[0].0.id, shoe.id);
    assert_eq!(crm.price_list_prices(Uuid::now_v7()).unwrap_err().kind(), ErrorKind::NotFound);
}
