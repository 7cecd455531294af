//! `wasm-pack.toml`: the pinned wasm build and browser-test settings (see that file).

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The whole file. Unknown keys are refused, so a typo cannot be silently ignored.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub build: Build,
    pub test: Test,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Build {
    #[serde(rename = "crate")]
    pub crate_dir: String,
    pub target: String,
    pub out_dir: String,
    pub profile: String,
    pub wasm_opt_program: String,
    pub wasm_opt: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Test {
    pub browsers: Vec<String>,
    pub headless: bool,
    pub profile: String,
    pub timeout_seconds: u64,
    pub chromedriver: String,
    pub geckodriver: String,
    pub chromium: String,
    pub firefox: String,
    pub chromium_args: Vec<String>,
}

impl Settings {
    /// Reads and checks `wasm-pack.toml` at the workspace root.
    pub fn load(root: &Path) -> Result<Settings, String> {
        let path = root.join("wasm-pack.toml");
        let text = std::fs::read_to_string(&path).map_err(|error| format!("{}: {error}", path.display()))?;
        let settings: Settings = toml::from_str(&text).map_err(|error| format!("{}: {error}", path.display()))?;
        settings.check().map_err(|problem| format!("{}: {problem}", path.display()))?;
        Ok(settings)
    }

    fn check(&self) -> Result<(), String> {
        for profile in [&self.build.profile, &self.test.profile] {
            if profile != "release" && profile != "dev" {
                return Err(format!("profile must be \"release\" or \"dev\", not \"{profile}\""));
            }
        }
        for browser in &self.test.browsers {
            if browser != "chrome" && browser != "firefox" {
                return Err(format!("test.browsers: \"{browser}\" is not one of \"chrome\", \"firefox\""));
            }
        }
        Ok(())
    }

    pub fn crate_dir(&self, root: &Path) -> PathBuf {
        root.join(&self.build.crate_dir)
    }

    pub fn out_dir(&self, root: &Path) -> PathBuf {
        root.join(&self.build.out_dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_file_parses_and_passes_its_checks() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let settings = Settings::load(root).expect("wasm-pack.toml is valid");
        assert_eq!(settings.build.target, "web");
        assert!(settings.test.chromium_args.iter().any(|argument| argument == "--no-sandbox"));
    }

    #[test]
    fn unknown_keys_are_refused() {
        let text = "[build]\ncrate='wasm'\ntarget='web'\nout_dir='x'\nprofile='release'\nwasm_opt_program='w'\nwasm_opt=[]\nextra=1\n";
        assert!(toml::from_str::<Settings>(text).is_err());
    }
}
