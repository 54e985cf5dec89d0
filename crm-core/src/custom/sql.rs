//! The SQL of custom fields and their values.

use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use super::{CustomValue, FieldDef, FieldType, NewFieldDef};
use crate::error::{Error, Result};
use crate::store::{Tx, from_micros, to_micros};

const DEF_COLUMNS: &str =
    "id, entity, name, label, field_type, required, is_unique, choices, created_at, updated_at, version";

fn def_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<FieldDef> {
    let choices: String = r.get(7)?;
    Ok(FieldDef {
        id: r.get(0)?,
        entity: r.get(1)?,
        name: r.get(2)?,
        label: r.get(3)?,
        field_type: FieldType::parse(&r.get::<_, String>(4)?),
        required: r.get(5)?,
        unique: r.get(6)?,
        choices: serde_json::from_str(&choices).unwrap_or_default(),
        created_at: from_micros(r.get(8)?),
        updated_at: from_micros(r.get(9)?),
        version: r.get(10)?,
    })
}

pub(crate) fn insert_def(tx: &Tx<'_>, new: NewFieldDef) -> Result<FieldDef> {
    let clash: Option<String> = tx
        .conn()
        .query_row(
            "SELECT entity FROM custom_field WHERE name = ?1 AND (entity = ?2 OR entity = 'party' OR ?2 = 'party')",
            params![new.name, new.entity],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(entity) = clash {
        return Err(Error::validation(
            "name",
            format!("a custom field {:?} is already defined for {entity}", new.name),
        ));
    }
    let def = FieldDef {
        id: Uuid::now_v7(),
        entity: new.entity,
        name: new.name,
        label: new.label.unwrap_or_default(),
        field_type: new.field_type,
        required: new.required,
        unique: new.unique,
        choices: new.choices,
        created_at: tx.now,
        updated_at: tx.now,
        version: 1,
    };
    tx.conn().execute(
        &format!("INSERT INTO custom_field ({DEF_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"),
        params![
            def.id,
            def.entity,
            def.name,
            def.label,
            def.field_type.as_str(),
            def.required,
            def.unique,
            serde_json::to_string(&def.choices)?,
            to_micros(def.created_at),
            to_micros(def.updated_at),
            def.version
        ],
    )?;
    Ok(def)
}

pub(crate) fn load_defs(conn: &Connection) -> Result<Vec<FieldDef>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {DEF_COLUMNS} FROM custom_field ORDER BY entity, name"))?;
    let rows = stmt.query_map([], def_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn get_def(conn: &Connection, id: Uuid) -> Result<FieldDef> {
    conn.query_row(&format!("SELECT {DEF_COLUMNS} FROM custom_field WHERE id = ?1"), [id], def_from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("custom_field", id))
}

pub(crate) fn delete_def(conn: &Connection, id: Uuid) -> Result<()> {
    conn.execute("DELETE FROM custom_value WHERE field_id = ?1", [id])?;
    conn.execute("DELETE FROM custom_field WHERE id = ?1", [id])?;
    Ok(())
}

/// Check that no other record holds the values of the unique fields among
/// `values` (reads only).
pub(crate) fn check_unique(
    conn: &Connection,
    entity_id: &Uuid,
    values: &[(FieldDef, Option<CustomValue>)],
) -> Result<()> {
    for (def, value) in values {
        if let (true, Some(v)) = (def.unique, value) {
            let other: Option<Uuid> = conn
                .prepare_cached(
                    "SELECT entity_id FROM custom_value WHERE field_id = ?1 AND value = ?2 AND entity_id <> ?3 LIMIT 1",
                )?
                .query_row(params![def.id, v.to_sql(), entity_id], |r| r.get(0))
                .optional()?;
            if let Some(other) = other {
                return Err(Error::validation(
                    format!("custom.{}", def.name),
                    format!("must be unique; {other} already has this value"),
                ));
            }
        }
    }
    Ok(())
}

/// Write (or clear) the values of one record; unique fields are checked here,
/// under the write lock.
pub(crate) fn write_values(
    conn: &Connection,
    entity_id: &Uuid,
    values: &[(FieldDef, Option<CustomValue>)],
) -> Result<()> {
    check_unique(conn, entity_id, values)?;
    for (def, value) in values {
        match value {
            None => {
                conn.prepare_cached("DELETE FROM custom_value WHERE entity_id = ?1 AND field_id = ?2")?
                    .execute(params![entity_id, def.id])?;
            }
            Some(v) => {
                let stored = v.to_sql();
                conn.prepare_cached(
                    "INSERT OR REPLACE INTO custom_value (entity_id, field_id, value) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![entity_id, def.id, stored])?;
            }
        }
    }
    Ok(())
}

pub(crate) fn delete_values(conn: &Connection, entity_id: &Uuid) -> Result<()> {
    conn.prepare_cached("DELETE FROM custom_value WHERE entity_id = ?1")?.execute([entity_id])?;
    Ok(())
}
