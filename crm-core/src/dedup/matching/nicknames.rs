//! A modest table of given-name equivalences: nicknames, diminutives and a
//! few spelling or language variants that people really use for one
//! another in a CRM (`Bill` for `William`, `Sasha` for `Aleksandr`,
//! `Katja` for `Jekaterina`, `Jancis` for `Jānis`).
//!
//! The table is deliberately small and conservative. It covers common
//! English, German, French, Nordic, Polish, Latvian, Russian and Bulgarian
//! given names; it is not a genealogical reference and does not equate
//! cognates that a person would not use interchangeably (`Ivan` and `John`
//! are different groups). Names are compared through their
//! [`name_skeleton`], so one entry covers the spellings that
//! transliteration produces (`Dmitrij`, `Dmitriy`, `Дмитрий`). A name may
//! belong to several groups (`Sasha` is both `Aleksandr` and `Aleksandra`).

use std::collections::HashMap;
use std::sync::OnceLock;

use super::normalize::{fold_name, name_skeleton};

/// The groups; the first name of each is its canonical form.
pub(crate) const GROUPS: &[&[&str]] = &[
    // English
    &["william", "bill", "billy", "will", "willy", "liam"],
    &["robert", "bob", "bobby", "rob", "robbie", "bert"],
    &["elizabeth", "liz", "lizzie", "beth", "betty", "eliza", "elisabeth", "elisabet", "lisbeth", "elise"],
    &["margaret", "maggie", "meg", "peggy", "margarete", "margrethe", "greta", "grete", "gretchen"],
    &["james", "jim", "jimmy", "jamie"],
    &["john", "johnny", "jack", "jon"],
    &["richard", "rick", "ricky", "rich", "dick"],
    &["thomas", "tom", "tommy", "tomas", "tomasz", "tomek", "toms"],
    &["edward", "ed", "eddie", "ted", "ned"],
    &["charles", "charlie", "chuck"],
    &["joseph", "joe", "joey", "josef", "jozef"],
    &["patrick", "pat", "paddy"],
    &["peter", "pete", "peteris", "piotr", "petr", "pyotr", "petya", "pietro"],
    &["susan", "sue", "susie", "suzanne"],
    &["jennifer", "jen", "jenny"],
    &["rebecca", "becky", "becca"],
    &["daniel", "dan", "danny"],
    &["matthew", "matt", "matty"],
    &["christopher", "chris", "kristoffer", "christoph", "krzysztof", "krzys"],
    &["christina", "christine", "kristina", "kristine", "tina", "chris"],
    &["christian", "kristian", "chris", "kris"],
    &["andrew", "andy", "drew"],
    &["andrei", "andrey", "andrej", "andrejs", "andris", "andrzej", "andrius"],
    &["stephen", "steven", "steve", "stefan", "stephan", "steffen"],
    &["gregory", "greg", "grigory", "grigorii", "grisha", "grzegorz"],
    &["jacob", "jake", "jakob", "jakub", "kuba"],
    &["michael", "mike", "mikey", "mick", "micky"],
    &["nicholas", "nick", "nicky", "niklas", "nikolaus", "klaus"],
    &["henry", "harry", "hank"],
    &["heinrich", "heinz", "hinrich"],
    &["friedrich", "fritz"],
    &["johann", "johannes", "hans", "hannes"],
    &["wolfgang", "wolf"],
    &["olav", "olaf", "ola", "ole"],
    // Polish
    &["wojciech", "wojtek"],
    &["malgorzata", "gosia", "malgosia"],
    &["agnieszka", "aga", "agusia"],
    &["stanislaw", "staszek", "stas", "stanislav"],
    &["wladyslaw", "wladek"],
    &["zbigniew", "zbyszek"],
    &["katarzyna", "kasia", "kaska"],
    &["aleksander", "olek", "oleksander"],
    // Latvian
    &["janis", "jancis", "jancitis", "janitis"],
    &["martins", "martin", "martinsh"],
    &["kristaps", "krists"],
    &["ilze", "ilzite"],
    &["edgars", "edgar", "edzus"],
    // Russian, Bulgarian, Ukrainian
    &[
        "aleksandr",
        "alexander",
        "aleksandrs",
        "alexandre",
        "alex",
        "aleks",
        "sasha",
        "sascha",
        "sanya",
        "shura",
        "oleksandr",
    ],
    &["aleksandra", "alexandra", "alex", "sasha", "sascha", "sandra", "shura"],
    &[
        "ekaterina",
        "jekaterina",
        "yekaterina",
        "katerina",
        "katja",
        "katya",
        "katia",
        "katharina",
        "katarina",
        "catherine",
        "katherine",
        "kathryn",
        "kate",
        "katie",
        "kathy",
        "cathy",
        "katrin",
    ],
    &["dmitrii", "dmitry", "dima", "mitya", "dimitar", "dimitri"],
    &["mikhail", "mihail", "mihails", "misha", "mischa"],
    &["nikolai", "nikolaj", "kolya", "nikola"],
    &["aleksei", "alexei", "alexey", "alyosha", "aljosha", "lyosha", "lesha"],
    &["sergei", "sergey", "sergejs", "seryozha", "serezha"],
    &["vladimir", "vladimirs", "volodya", "vova", "volodymyr"],
    &["ivan", "vanya", "vania", "ivans"],
    &["tatiana", "tatyana", "tatjana", "tanya", "tania", "tanja"],
    &["natalia", "natalya", "natalja", "natasha", "natascha", "natalie", "nathalie"],
    &["maria", "mariya", "marija", "masha", "mascha", "mariia"],
    &["anna", "anya", "anja", "ania", "anushka", "annie"],
    &["elena", "jelena", "yelena", "lena", "alena", "helena"],
    &["olga", "olya", "olia"],
    &["svetlana", "sveta"],
    &["irina", "ira"],
    &["anastasia", "anastasiya", "nastya", "nastia", "nastja", "stasia"],
    &["ludmila", "lyudmila", "liudmila", "lyuda", "mila"],
    &["nadezhda", "nadia", "nadya", "nadja", "nadezda"],
    &["daria", "darya", "dasha", "darja"],
    &["yuri", "yurii", "iurii", "jurij", "juris", "yura", "jura"],
    &["evgeni", "evgeny", "evgenii", "yevgeny", "jevgenijs", "zhenya"],
    &["konstantin", "konstantins", "kostya", "kostia"],
    &["pavel", "pasha", "pavels"],
    &["georgi", "georgii", "georgy", "gosho"],
    &["todor", "tosho"],
    &["boris", "borya"],
    &["galina", "galya", "galia"],
];

struct Table {
    /// Skeleton of a name → indices of the groups holding it.
    groups_of: HashMap<String, Vec<u16>>,
    /// Skeleton of each group's canonical name.
    canonical: Vec<String>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut groups_of: HashMap<String, Vec<u16>> = HashMap::new();
        let mut canonical = Vec::with_capacity(GROUPS.len());
        for (gi, group) in GROUPS.iter().enumerate() {
            let gi = u16::try_from(gi).unwrap_or(u16::MAX);
            for (k, name) in group.iter().enumerate() {
                let skel = name_skeleton(&fold_name(name));
                if k == 0 {
                    canonical.push(skel.clone());
                }
                let entry = groups_of.entry(skel).or_default();
                if !entry.contains(&gi) {
                    entry.push(gi);
                }
            }
        }
        Table { groups_of, canonical }
    })
}

/// The nickname groups a given-name token belongs to, by its skeleton
/// (see [`name_skeleton`]). Empty when the name is not in the table.
pub fn groups_of_skeleton(skeleton: &str) -> &'static [u16] {
    table().groups_of.get(skeleton).map_or(&[], Vec::as_slice)
}

/// Whether two given-name skeletons share a nickname group.
pub fn equivalent_skeletons(a: &str, b: &str) -> bool {
    let ga = groups_of_skeleton(a);
    if ga.is_empty() {
        return false;
    }
    let gb = groups_of_skeleton(b);
    ga.iter().any(|g| gb.contains(g))
}

/// Whether two given names are nickname-equivalent, e.g. `Bill` and
/// `William`, `Саша` and `Aleksandr`, `Jancis` and `Jānis`.
///
/// ```
/// use crm_core::dedup::matching::nicknames::equivalent;
/// assert!(equivalent("Bill", "William"));
/// assert!(equivalent("Саша", "Aleksandr"));
/// assert!(equivalent("Katja", "Jekaterina"));
/// assert!(equivalent("Jancis", "Jānis"));
/// assert!(!equivalent("Ivan", "John"));
/// ```
pub fn equivalent(a: &str, b: &str) -> bool {
    equivalent_skeletons(&name_skeleton(&fold_name(a)), &name_skeleton(&fold_name(b)))
}

/// The skeletons of the canonical names of the groups `skeleton` belongs
/// to (`bil` → `[viliam]`); used to build nickname-proof blocking keys.
pub fn canonical_skeletons(skeleton: &str) -> impl Iterator<Item = &'static str> {
    let t = table();
    groups_of_skeleton(skeleton).iter().filter_map(move |g| t.canonical.get(usize::from(*g)).map(String::as_str))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups() {
        assert!(equivalent("Bob", "Robert"));
        assert!(equivalent("Liz", "Elizabeth"));
        assert!(equivalent("Dmitriy", "Дима"));
        assert!(equivalent("Sasha", "Alexandra"));
        assert!(!equivalent("Anna", "Maria"));
        let c: Vec<&str> = canonical_skeletons(&name_skeleton("bill")).collect();
        assert_eq!(c, vec!["viliam"]);
    }
}
