//! The rent roll's fields, the column names other systems give them, and the mapping of a
//! file's header onto them (detected, then overridden by the person: `--map "Unit=unit_number"`).

use serde::{Deserialize, Serialize};

/// One field UnitCycle reads from a rent roll.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    PropertyName,
    PropertyAddress,
    PropertyCity,
    PropertyState,
    PropertyZip,
    UnitNumber,
    Bedrooms,
    Bathrooms,
    SquareFeet,
    MarketRent,
    TenantName,
    FirstName,
    LastName,
    Email,
    Phone,
    LeaseStart,
    LeaseEnd,
    MonthlyRent,
    SecurityDeposit,
    Balance,
    Status,
    // A transactions (ledger) file's own fields.
    TransDate,
    Description,
    Charge,
    Payment,
    Amount,
    TransType,
    Category,
}

/// Every field with its name (for `--map`), the header `export rent-roll` writes, and the
/// column names (normalised: lower case, letters and digits only) it is detected by, best first.
pub const FIELDS: &[(Field, &str, &str, &[&str])] = &[
    (
        Field::PropertyName,
        "property_name",
        "Property",
        &["property", "propertyname", "propname", "community", "site", "propertycode"],
    ),
    (
        Field::PropertyAddress,
        "property_address",
        "Address",
        &["address", "propertyaddress", "streetaddress", "street", "address1", "addressline1", "propertystreet"],
    ),
    (Field::PropertyCity, "property_city", "City", &["city", "propertycity", "town"]),
    (Field::PropertyState, "property_state", "State", &["state", "propertystate", "st", "province"]),
    (Field::PropertyZip, "property_zip", "Zip", &["zip", "zipcode", "postalcode", "postcode", "propertyzip"]),
    (
        Field::UnitNumber,
        "unit_number",
        "Unit",
        &["unit", "unitnumber", "unitno", "unitname", "unitid", "apt", "apartment", "suite", "space"],
    ),
    (
        Field::Bedrooms,
        "bedrooms",
        "Bedrooms",
        &[
            "bedrooms",
            "beds",
            "bed",
            "bd",
            "br",
            "bdrm",
            "bedroom",
            "bdrms",
            "bdba",
            "bedbath",
            "bedsbaths",
            "bedbaths",
        ],
    ),
    (Field::Bathrooms, "bathrooms", "Bathrooms", &["bathrooms", "baths", "bath", "ba", "bathroom"]),
    (
        Field::SquareFeet,
        "square_feet",
        "Sq Ft",
        &["sqft", "squarefeet", "sqfeet", "squarefootage", "unitsqft", "size", "area", "sf"],
    ),
    (Field::MarketRent, "market_rent", "Market Rent", &["marketrent", "market", "askingrent", "advertisedrent"]),
    (
        Field::TenantName,
        "tenant_name",
        "Tenant",
        &["tenant", "tenantname", "resident", "residentname", "name", "lessee", "occupant", "tenants", "residents"],
    ),
    (Field::FirstName, "first_name", "First Name", &["firstname", "tenantfirstname", "residentfirstname", "first"]),
    (Field::LastName, "last_name", "Last Name", &["lastname", "tenantlastname", "residentlastname", "last", "surname"]),
    (Field::Email, "email", "Email", &["email", "emailaddress", "tenantemail", "residentemail", "emails", "email1"]),
    (
        Field::Phone,
        "phone",
        "Phone",
        &[
            "phone",
            "phonenumber",
            "tenantphone",
            "residentphone",
            "mobile",
            "cell",
            "cellphone",
            "phonenumbers",
            "homephone",
        ],
    ),
    (
        Field::LeaseStart,
        "lease_start",
        "Lease Start",
        &[
            "leasestart",
            "leasefrom",
            "leasestartdate",
            "leasebegin",
            "leasebegindate",
            "startdate",
            "moveindate",
            "movein",
            "from",
        ],
    ),
    (
        Field::LeaseEnd,
        "lease_end",
        "Lease End",
        &[
            "leaseend",
            "leaseto",
            "leaseenddate",
            "leaseexpiration",
            "leaseexpires",
            "leaseexp",
            "expiration",
            "enddate",
            "to",
        ],
    ),
    (
        Field::MonthlyRent,
        "monthly_rent",
        "Rent",
        &["rent", "monthlyrent", "leaserent", "currentrent", "actualrent", "chargedrent", "rentamount", "residentrent"],
    ),
    (
        Field::SecurityDeposit,
        "security_deposit",
        "Deposit",
        &[
            "securitydeposit",
            "deposit",
            "depositheld",
            "deposits",
            "secdep",
            "depositonhand",
            "residentdeposit",
            "tenantdeposit",
            "securitydepositheld",
        ],
    ),
    (
        Field::Balance,
        "balance",
        "Past Due",
        &[
            "pastdue",
            "balance",
            "pastduebalance",
            "amountdue",
            "balancedue",
            "currentbalance",
            "totalbalance",
            "outstandingbalance",
            "pastdueamount",
            "totaldue",
        ],
    ),
    (
        Field::Status,
        "status",
        "Status",
        &["status", "unitstatus", "leasestatus", "occupancy", "occupancystatus", "residentstatus"],
    ),
];

/// The fields of a transactions (ledger) file: when, which unit (and tenant), what, how much.
pub const LEDGER_FIELDS: &[(Field, &str, &str, &[&str])] = &[
    (
        Field::TransDate,
        "date",
        "Date",
        &["date", "transactiondate", "transdate", "postdate", "posteddate", "postingdate"],
    ),
    (Field::PropertyName, "property_name", "Property", &["property", "propertyname", "community", "site"]),
    (Field::UnitNumber, "unit_number", "Unit", &["unit", "unitnumber", "unitno", "unitname", "apt", "apartment"]),
    (
        Field::TenantName,
        "tenant_name",
        "Tenant",
        &["tenant", "tenantname", "resident", "residentname", "name", "payer"],
    ),
    (
        Field::Description,
        "description",
        "Description",
        &["description", "memo", "desc", "details", "transaction", "notes"],
    ),
    (Field::Charge, "charge", "Charge", &["charge", "charges", "chargeamount", "debit", "increase"]),
    (Field::Payment, "payment", "Payment", &["payment", "payments", "paymentamount", "credit", "receipt", "decrease"]),
    (Field::Amount, "amount", "Amount", &["amount", "transactionamount"]),
    (Field::TransType, "type", "Type", &["type", "transactiontype", "transtype"]),
    (Field::Category, "category", "Category", &["category", "chargetype", "glaccount", "account", "chargecode"]),
];

impl Field {
    fn row(self) -> Option<&'static (Field, &'static str, &'static str, &'static [&'static str])> {
        FIELDS.iter().chain(LEDGER_FIELDS).find(|f| f.0 == self)
    }

    pub fn name(self) -> &'static str {
        self.row().map_or("", |f| f.1)
    }

    /// The column header `export rent-roll` writes.
    pub fn header(self) -> &'static str {
        self.row().map_or("", |f| f.2)
    }

    pub fn parse(name: &str) -> Option<Field> {
        let name = name.trim().to_ascii_lowercase();
        FIELDS.iter().chain(LEDGER_FIELDS).find(|f| f.1 == name).map(|f| f.0)
    }
}

/// A header as compared with the aliases: lower case, letters and digits only.
pub fn normalise(header: &str) -> String {
    header.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// One column of the file and the field it was mapped to (none: ignored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ColumnMapping {
    pub column: String,
    pub field: Option<Field>,
    /// Whether the person chose it (`--map`) rather than the name table.
    pub overridden: bool,
}

/// A person's `COLUMN=field` choice; an empty field (or `ignore`) ignores the column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    pub column: String,
    pub field: Option<Field>,
}

impl std::str::FromStr for Override {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (column, field) = text
            .rsplit_once('=')
            .ok_or_else(|| format!("'{text}': a mapping is COLUMN=FIELD, e.g. \"Unit=unit_number\""))?;
        let column = column.trim().to_string();
        if column.is_empty() {
            return Err(format!("'{text}': the column name is empty"));
        }
        let field = match field.trim() {
            "" | "ignore" | "-" => None,
            name => Some(Field::parse(name).ok_or_else(|| {
                let names: Vec<&str> = FIELDS.iter().map(|f| f.1).collect();
                format!("'{text}': unknown field '{name}' (fields: {}, or ignore)", names.join(", "))
            })?),
        };
        Ok(Override { column, field })
    }
}

/// Parses a list of `COL=FIELD` (the `map` query parameter is comma-separated).
pub fn parse_overrides<'a>(items: impl IntoIterator<Item = &'a str>) -> Result<Vec<Override>, String> {
    items.into_iter().filter(|s| !s.trim().is_empty()).map(str::parse).collect()
}

/// Maps `headers` onto the fields: the overrides first, then each field takes the first column
/// (by the alias order) no one has taken. Overrides naming a column the file lacks are refused.
pub fn detect(headers: &[String], overrides: &[Override]) -> Result<Vec<ColumnMapping>, String> {
    let out = detect_in(FIELDS, headers, overrides)?;
    let has = |f: Field| out.iter().any(|c| c.field == Some(f));
    if !has(Field::UnitNumber) {
        return Err("no column is the unit number (name one with --map \"COLUMN=unit_number\")".into());
    }
    if !has(Field::PropertyName) && !has(Field::PropertyAddress) {
        return Err(
            "no column names the property (map one with --map \"COLUMN=property_name\" or property_address)".into()
        );
    }
    Ok(out)
}

/// Maps a transactions file's header onto [`LEDGER_FIELDS`].
pub fn detect_ledger(headers: &[String], overrides: &[Override]) -> Result<Vec<ColumnMapping>, String> {
    let out = detect_in(LEDGER_FIELDS, headers, overrides)?;
    let has = |f: Field| out.iter().any(|c| c.field == Some(f));
    if !has(Field::TransDate) || !has(Field::UnitNumber) {
        return Err("a transactions file needs a date and a unit column (map them with --map \"COLUMN=date\")".into());
    }
    if !has(Field::Charge) && !has(Field::Payment) && !has(Field::Amount) {
        return Err("a transactions file needs charge and payment columns, or an amount".into());
    }
    Ok(out)
}

pub(crate) fn detect_in(
    table: &[(Field, &str, &str, &[&str])],
    headers: &[String],
    overrides: &[Override],
) -> Result<Vec<ColumnMapping>, String> {
    let mut out: Vec<ColumnMapping> = headers
        .iter()
        .map(|h| ColumnMapping { column: h.trim().to_string(), field: None, overridden: false })
        .collect();
    for o in overrides {
        let i = out
            .iter()
            .position(|c| c.column.eq_ignore_ascii_case(&o.column) || normalise(&c.column) == normalise(&o.column))
            .ok_or_else(|| format!("--map names column '{}', which the file does not have", o.column))?;
        if let Some(f) = o.field {
            if let Some(other) = out.iter().find(|c| c.field == Some(f) && c.overridden) {
                return Err(format!("--map gives {} to both '{}' and '{}'", f.name(), other.column, o.column));
            }
            for c in out.iter_mut().filter(|c| c.field == Some(f)) {
                c.field = None;
            }
        }
        out[i].field = o.field;
        out[i].overridden = true;
    }
    for &(field, _, _, aliases) in table {
        if out.iter().any(|c| c.field == Some(field)) {
            continue;
        }
        'alias: for alias in aliases {
            for c in out.iter_mut() {
                if !c.overridden && c.field.is_none() && normalise(&c.column) == *alias {
                    c.field = Some(field);
                    break 'alias;
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn usual_names_are_detected_and_overrides_win() {
        let h = headers(&["Property", "Unit", "Lease From", "Move In", "Resident", "Past Due", "Notes"]);
        let m = detect(&h, &[]).unwrap();
        let field = |col: &str| m.iter().find(|c| c.column == col).unwrap().field;
        assert_eq!(field("Lease From"), Some(Field::LeaseStart));
        assert_eq!(field("Move In"), None);
        assert_eq!(field("Resident"), Some(Field::TenantName));
        assert_eq!(field("Past Due"), Some(Field::Balance));
        assert_eq!(field("Notes"), None);
        let o = parse_overrides(["Move In=lease_start", "Notes=ignore"]).unwrap();
        let m = detect(&h, &o).unwrap();
        let field = |col: &str| m.iter().find(|c| c.column == col).unwrap().field;
        assert_eq!(field("Move In"), Some(Field::LeaseStart));
        assert_eq!(field("Lease From"), None);
        assert!("Unit=flat".parse::<Override>().unwrap_err().contains("unknown field 'flat'"));
        assert!(detect(&h, &parse_overrides(["Nope=unit_number"]).unwrap()).unwrap_err().contains("'Nope'"));
        assert!(detect(&headers(&["Property", "Name"]), &[]).unwrap_err().contains("unit number"));
    }
}
