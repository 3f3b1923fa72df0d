//! What a label or custodian name may be: the characters every name allows (also for names
//! already in a vault), and the stricter rules for new names (UTS #39: one script, no combining
//! marks, no two names that print alike).

use crate::error::{Error, Result};
use crate::format;
use crate::fsio::shown_text;

/// Why a label or custodian name is refused. `what` says which ("label", "custodian name").
#[derive(Debug)]
pub enum NameError {
    /// Empty, or longer than [`format::MAX_NAME_CHARS`] characters.
    Length {
        /// Label or custodian name.
        what: &'static str,
        /// The name.
        name: String,
    },
    /// A character outside letters, digits, space and `.-_'@+`.
    Character {
        /// Label or custodian name.
        what: &'static str,
        /// The name.
        name: String,
        /// The first character refused.
        c: char,
    },
    /// Letters of Latin, Greek and Cyrillic mixed (look-alikes).
    MixedScripts {
        /// Label or custodian name.
        what: &'static str,
        /// The name.
        name: String,
    },
    /// Starts with `.`, `-` or a space, or ends with a space.
    Edge {
        /// Label or custodian name.
        what: &'static str,
        /// The name.
        name: String,
    },
}

impl std::fmt::Display for NameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NameError::Length { what, name } => write!(
                f,
                "the {what} \"{}\" must have 1 to {} characters",
                shown_text(name),
                format::MAX_NAME_CHARS
            ),
            NameError::Character { what, name, c } => write!(
                f,
                "the {what} \"{}\" contains the character {} (U+{:04X}), which is not allowed (use letters, digits, spaces and . - _ ' @ +{})",
                shown_text(name),
                shown_text(&c.to_string()),
                u32::from(*c),
                if *what == "label" { " ( )" } else { "" }
            ),
            NameError::MixedScripts { what, name } => write!(
                f,
                "the {what} \"{}\" mixes letters of different scripts (Latin and Cyrillic, say), which can look alike on paper",
                shown_text(name)
            ),
            NameError::Edge { what, name } => write!(
                f,
                "the {what} \"{}\" must not start with . - or a space, nor end with a space",
                shown_text(name)
            ),
        }
    }
}

/// Checks a label or custodian name: 1..=64 characters, letters, digits, space and `.-_'@+`,
/// not starting with `.` or `-` (it names a file) nor with a space. Control and bidirectional
/// characters are refused: a name must look on paper like what it is.
///
/// # Errors
/// Which rule the name breaks.
pub fn check_name(name: &str, what: &'static str) -> std::result::Result<(), NameError> {
    let chars = name.chars().count();
    // A label may hold parentheses too ("Kraken (main)"); a custodian's name may not (a remote
    // proof writes it between parentheses).
    let extra = if what == "label" { "()" } else { "" };
    let ok_char = |c: char| c.is_alphanumeric() || " .-_'@+".contains(c) || extra.contains(c);
    let name_owned = || name.to_string();
    if chars == 0 || chars > format::MAX_NAME_CHARS {
        return Err(NameError::Length {
            what,
            name: name_owned(),
        });
    }
    if let Some(c) = name.chars().find(|&c| !ok_char(c)) {
        return Err(NameError::Character {
            what,
            name: name_owned(),
            c,
        });
    }
    // Latin, Greek and Cyrillic hold look-alike letters ("a" and Cyrillic "а"): a name may use
    // letters of one of them only, so two names that print alike cannot both pass.
    let script = |c: char| match c {
        'A'..='Z' | 'a'..='z' | '\u{c0}'..='\u{24f}' | '\u{1e00}'..='\u{1eff}' => Some(0),
        '\u{370}'..='\u{3ff}' | '\u{1f00}'..='\u{1fff}' => Some(1),
        '\u{400}'..='\u{52f}' => Some(2),
        _ => None,
    };
    let mut scripts = name.chars().filter_map(script);
    if let Some(first) = scripts.next()
        && scripts.any(|s| s != first)
    {
        return Err(NameError::MixedScripts {
            what,
            name: name_owned(),
        });
    }
    if name.starts_with(['.', '-', ' ']) || name.ends_with(' ') {
        return Err(NameError::Edge {
            what,
            name: name_owned(),
        });
    }
    Ok(())
}

/// A name for something new (a label, a custodian of a new set): [`check_name`]'s rules, and
/// Unicode's stricter ones for identifiers (UTS #39): letters of a single script (so no name
/// mixes look-alikes such as Latin "a" and Cyrillic "а"), and no combining mark (which can
/// make a name print like another). Names already in a vault are checked by [`check_name`]
/// only, so every existing vault keeps opening.
pub fn check_new_name(name: &str, what: &'static str) -> Result<()> {
    use unicode_security::MixedScript as _;
    check_name(name, what).map_err(|m| Error::Usage(format!("{m}.")))?;
    if !name.is_single_script() {
        return Err(Error::Usage(format!(
            "{}.",
            NameError::MixedScripts {
                what,
                name: name.to_string()
            }
        )));
    }
    if let Some(c) = name
        .chars()
        .find(|&c| unicode_normalization::char::is_combining_mark(c))
    {
        return Err(Error::Usage(format!(
            "{}.",
            NameError::Character {
                what,
                name: name.to_string(),
                c
            }
        )));
    }
    Ok(())
}

/// Two names of `names` whose UTS #39 skeletons (ignoring case) are the same: they print alike
/// ("alice" and "aⅼice" with a Roman numeral, "Alice" and Cherokee "Ꭺlice").
pub(super) fn look_alike_names(names: &[String]) -> Option<(&str, &str)> {
    let skeleton = |n: &str| -> String {
        unicode_security::confusable_detection::skeleton(&n.to_lowercase())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let skeletons: Vec<String> = names.iter().map(|n| skeleton(n)).collect();
    for (i, a) in skeletons.iter().enumerate() {
        if let Some(j) = skeletons[i + 1..].iter().position(|b| b == a) {
            return Some((&names[i], &names[i + 1 + j]));
        }
    }
    None
}
