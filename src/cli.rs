//! Command-line grammar (clap derive): global flags and one variant per subcommand.

use crate::settings::{self, BackendKind, OutputFormat};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success
  1  ran, but the result is negative (no match, verification failed, some files failed)
  2  error (usage, configuration, backend or models unavailable)
  130 interrupted (Ctrl-C); work done so far is kept and a re-run resumes";

/// The full command with generated help text (environment list and exit codes).
pub fn command() -> clap::Command {
    let mut env = String::from("Environment:\n");
    for (name, what) in settings::ENV_VARS {
        env.push_str(&format!("  {name:<18} {what}\n"));
    }
    env.push_str("Settings precedence: flags > environment > config file > defaults.\n\n");
    env.push_str(EXIT_CODES_HELP);
    <Cli as clap::CommandFactory>::command().after_help(env)
}

/// facectl: operate a face recognition system (enroll, search, delete people by face),
/// offline on this machine (local backend) or on AWS (S3 + Rekognition + DynamoDB).
#[derive(Debug, Parser)]
#[command(name = "facectl", version, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every subcommand accepts.
#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// Backend to use.
    #[arg(long, global = true, env = settings::ENV_BACKEND, value_enum)]
    pub backend: Option<BackendKind>,
    /// Local backend data folder (images, database, models).
    #[arg(long, global = true, env = settings::ENV_DATA_DIR, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Folder with the ONNX face models.
    #[arg(long, global = true, env = settings::ENV_MODEL_DIR, value_name = "DIR")]
    pub model_dir: Option<PathBuf>,
    /// Runtime of the face models: auto (ONNX Runtime when its library is installed or
    /// ORT_DYLIB_PATH names it, else tract), tract, or onnxruntime.
    #[arg(long, global = true, env = settings::ENV_RUNTIME, value_name = "RUNTIME")]
    pub runtime: Option<facectl_engine::RuntimePreference>,
    /// Config file (TOML).
    #[arg(long, global = true, env = settings::ENV_CONFIG, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output format for results on stdout.
    #[arg(long, short = 'o', global = true, env = settings::ENV_OUTPUT, value_enum)]
    pub output: Option<OutputFormat>,
    /// Only print results and errors (no progress, no warnings).
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// More log output on stderr (-v info, -vv debug, -vvv trace).
    #[arg(long, short, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Never show progress bars (they are hidden anyway when stderr is not a terminal).
    #[arg(long, global = true)]
    pub no_progress: bool,
    #[command(flatten)]
    pub aws: AwsArgs,
}

/// Settings of the aws backend.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "AWS backend")]
pub struct AwsArgs {
    /// AWS profile (else AWS_PROFILE).
    #[arg(long, global = true)]
    pub profile: Option<String>,
    /// AWS region (else AWS_REGION or the profile's).
    #[arg(long, global = true)]
    pub region: Option<String>,
    /// Endpoint for every AWS service (S3-compatible or local servers).
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3).
    #[arg(long, global = true, value_name = "URL")]
    pub s3_endpoint_url: Option<String>,
    /// Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION).
    #[arg(long, global = true, value_name = "URL")]
    pub rekognition_endpoint_url: Option<String>,
    /// Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB).
    #[arg(long, global = true, value_name = "URL")]
    pub dynamodb_endpoint_url: Option<String>,
    /// S3 bucket for images.
    #[arg(long, global = true, env = settings::ENV_AWS_BUCKET)]
    pub bucket: Option<String>,
    /// Key prefix for images in the bucket [default: faces/].
    #[arg(long, global = true, env = settings::ENV_AWS_PREFIX)]
    pub prefix: Option<String>,
    /// Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/].
    #[arg(long, global = true, env = settings::ENV_AWS_UPLOAD_PREFIX, value_name = "PREFIX")]
    pub upload_prefix: Option<String>,
    /// SQS queue the bucket's upload notifications go to [default: <bucket>-uploads].
    #[arg(long, global = true, env = settings::ENV_AWS_QUEUE, value_name = "NAME")]
    pub queue: Option<String>,
    /// Rekognition collection id [default: facectl].
    #[arg(long, global = true, env = settings::ENV_AWS_COLLECTION)]
    pub collection: Option<String>,
    /// DynamoDB table [default: facectl-faces].
    #[arg(long, global = true, env = settings::ENV_AWS_TABLE)]
    pub table: Option<String>,
    /// Client-side limit on Rekognition calls per second [default: 5].
    #[arg(long, global = true, env = settings::ENV_AWS_TPS)]
    pub tps: Option<f64>,
    /// Hash key attribute of an existing table (FaceId, faceId, RekognitionId...).
    #[arg(long, global = true)]
    pub hash_key: Option<String>,
    /// Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name).
    #[arg(long, global = true)]
    pub name_attr: Vec<String>,
    /// Path-style S3 addressing (for S3-compatible servers).
    #[arg(long, global = true)]
    pub force_path_style: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the image store, face collection and person table (idempotent).
    Provision(ProvisionArgs),
    /// Index a person's face from one or more photos.
    Enroll(EnrollArgs),
    /// Import a folder of photos; persons from folder names, file names or a CSV.
    BulkImport(BulkImportArgs),
    /// Import photos as they land in a folder (new and changed files, once each).
    Watch(WatchArgs),
    /// Find who is in a photo.
    Search(SearchArgs),
    /// Check whether a photo shows a given enrolled person (1:1).
    Verify(VerifyArgs),
    /// Check whether two photos show the same person.
    Compare(CompareArgs),
    /// Forget a person, a face or an image everywhere (collection, table, image store).
    Delete(DeleteArgs),
    /// List enrolled persons or faces.
    List(ListArgs),
    /// Show counts, locations, model and sizes.
    Status,
    /// Find and repair disagreements between collection, table and image store.
    Doctor(DoctorArgs),
    /// Install or check the face models.
    Models(ModelsArgs),
    /// Run a local Rekognition-compatible endpoint (AWS JSON 1.1) over the offline engine.
    #[command(long_about = SERVE_ABOUT)]
    Serve(ServeArgs),
    /// Run as an AWS Lambda function that indexes uploads (S3 notifications, or batches of the
    /// upload queue); started by the Lambda runtime, or by a binary named `bootstrap`.
    Lambda(LambdaArgs),
    /// Print shell completions.
    Completions(CompletionsArgs),
    /// Print the man page (roff).
    #[command(hide = true)]
    Manpage,
}

#[derive(Debug, Args)]
pub struct ProvisionArgs {
    /// Show what would be created without creating anything.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the least-privilege IAM policy (JSON) the aws backend needs for the configured
    /// bucket, collection and table, and exit.
    #[arg(long)]
    pub print_iam_policy: bool,
    /// AWS account id to put in the policy's ARNs (else `*`).
    #[arg(long, requires = "print_iam_policy")]
    pub account: Option<String>,
    /// aws backend: also the upload trigger, an SQS queue (with a dead-letter queue) that the
    /// bucket's notifications for new objects under --upload-prefix go to, for `watch`; with
    /// --print-iam-policy, add the statements it needs.
    #[arg(long)]
    pub trigger: bool,
}

/// How to treat photos where several faces are of similar size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum MultipleArg {
    /// Index the largest face.
    Largest,
    /// Index nothing and report the photo as `multiple_faces`.
    Skip,
}

#[derive(Debug, Args, Clone)]
pub struct IndexArgs {
    /// Index every face in the photo (up to 100) instead of the largest.
    #[arg(long)]
    pub all_faces: bool,
    /// Quality gate before indexing (as Rekognition's QualityFilter).
    #[arg(long, default_value = "auto", value_parser = ["none", "auto", "low", "medium", "high"])]
    pub quality_filter: String,
}

#[derive(Debug, Args)]
pub struct EnrollArgs {
    /// Photos of the person.
    #[arg(required = true, value_name = "IMAGE")]
    pub images: Vec<PathBuf>,
    /// Person's display name (the person is created if new).
    #[arg(long, required_unless_present = "person_id")]
    pub name: Option<String>,
    /// Existing person id (or a new id, together with --name).
    #[arg(long)]
    pub person_id: Option<String>,
    #[arg(long)]
    pub first_name: Option<String>,
    #[arg(long)]
    pub last_name: Option<String>,
    /// Extra metadata, repeatable: --meta team=red --meta badge=42
    #[arg(long, value_name = "KEY=VALUE")]
    pub meta: Vec<String>,
    #[command(flatten)]
    pub index: IndexArgs,
}

/// Where each imported file's person comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum NameFrom {
    /// Sub-folder name for files in sub-folders, file name for files at the top.
    Auto,
    /// The file's folder: dir/Jane_Doe/1.jpg -> "Jane Doe".
    Folder,
    /// The file name: Jane_Doe_0001.jpg -> "Jane Doe".
    Stem,
}

/// How a folder's photos are imported (bulk-import and watch).
#[derive(Debug, Args, Clone)]
pub struct FolderImportArgs {
    /// How persons are named (ignored with --mapping).
    #[arg(long, value_enum, default_value = "auto")]
    pub name_from: NameFrom,
    /// CSV mapping `file,name[,first_name,last_name,person_id,<meta>...]` (header optional).
    #[arg(long, value_name = "CSV")]
    pub mapping: Option<PathBuf>,
    /// Files processed at once (default 2, or `jobs` in the config file).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// When a photo shows several faces of similar size.
    #[arg(long, value_enum, default_value = "skip")]
    pub multiple: MultipleArg,
    #[command(flatten)]
    pub index: IndexArgs,
}

#[derive(Debug, Args)]
pub struct BulkImportArgs {
    /// Folder to import (walked recursively; hidden entries skipped).
    pub dir: PathBuf,
    #[command(flatten)]
    pub folder: FolderImportArgs,
    /// Stop after this many files.
    #[arg(long)]
    pub limit: Option<usize>,
    /// Write the per-file outcomes as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct LambdaArgs {
    /// Photos processed at once within one invocation (default 2, or `jobs` in the config file).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// When a photo shows several faces of similar size.
    #[arg(long, value_enum, default_value = "skip", env = settings::ENV_MULTIPLE)]
    pub multiple: MultipleArg,
    /// Index every face in the photo (up to 100) instead of the largest.
    #[arg(long)]
    pub all_faces: bool,
    /// Quality gate before indexing (as Rekognition's QualityFilter).
    #[arg(long, default_value = "auto", env = settings::ENV_QUALITY_FILTER,
          value_parser = ["none", "auto", "low", "medium", "high"])]
    pub quality_filter: String,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Folder to watch (recursively; hidden entries skipped; persons named as by bulk-import).
    /// Without it, the aws backend watches its upload queue (`provision --trigger`): photos
    /// uploaded under --upload-prefix, the person from the object's metadata (`fullname`, or
    /// `first_name` + `last_name`) or from its key (`uploads/Jane_Doe/x.jpg`).
    pub dir: Option<PathBuf>,
    #[command(flatten)]
    pub folder: FolderImportArgs,
    /// Seconds a file must stay unchanged (size and time) before it is imported.
    #[arg(long, default_value_t = 1.0, value_name = "SECONDS")]
    pub settle: f64,
    /// Longest pause between two walks of the folder, seconds (file-system events start one
    /// sooner; with --poll this is the polling period).
    #[arg(long, default_value_t = 2.0, value_name = "SECONDS")]
    pub interval: f64,
    /// Do not use file-system events, only walk the folder every --interval (network drives).
    #[arg(long)]
    pub poll: bool,
    /// Import what is in the folder (or on the upload queue) now (waiting for files still
    /// being written), then exit.
    #[arg(long)]
    pub once: bool,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Photos to search, or folders of photos (walked like bulk-import); one result per photo.
    #[arg(required = true, num_args = 1..)]
    pub images: Vec<PathBuf>,
    /// Search only the largest face.
    #[arg(long)]
    pub largest: bool,
    /// Minimum similarity 0-100 (default 80: a confident match; see the README, "Similarity").
    #[arg(long)]
    pub threshold: Option<f32>,
    /// Persons per face (each with their best face), best first.
    #[arg(long, default_value_t = 5)]
    pub max_matches: u32,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Photo to check.
    pub image: PathBuf,
    /// Person's name (must be unique).
    #[arg(
        long,
        required_unless_present = "person_id",
        conflicts_with = "person_id"
    )]
    pub name: Option<String>,
    #[arg(long)]
    pub person_id: Option<String>,
    /// Minimum similarity 0-100 (default 80).
    #[arg(long)]
    pub threshold: Option<f32>,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    pub source: PathBuf,
    pub target: PathBuf,
    /// Minimum similarity 0-100 (default 80).
    #[arg(long)]
    pub threshold: Option<f32>,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["person", "person_id", "face", "image"])))]
pub struct DeleteArgs {
    /// Person by name: all their faces and images.
    #[arg(long)]
    pub person: Option<String>,
    /// Person by id.
    #[arg(long)]
    pub person_id: Option<String>,
    /// One face by id.
    #[arg(long)]
    pub face: Option<String>,
    /// One image by content hash, stored key or local file.
    #[arg(long)]
    pub image: Option<String>,
    /// List what would be deleted, delete nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for confirmation (required when stdin is not a terminal).
    #[arg(long, short)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(subcommand)]
    pub what: ListWhat,
}

#[derive(Debug, Subcommand)]
pub enum ListWhat {
    /// Enrolled persons with face and image counts.
    Persons,
    /// Enrolled faces.
    Faces {
        /// Only this person's faces (by id).
        #[arg(long)]
        person_id: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Repair what was found.
    #[arg(long)]
    pub fix: bool,
}

#[derive(Debug, Args)]
pub struct ModelsArgs {
    #[command(subcommand)]
    pub action: ModelsAction,
}

#[derive(Debug, Subcommand)]
pub enum ModelsAction {
    /// Download the models from their official URLs (SHA-256 checked) into the model folder.
    Install {
        /// Import from a local file or folder instead of downloading.
        #[arg(long, value_name = "PATH")]
        from: Option<PathBuf>,
        /// Download from this base URL instead of the official ones (mirrors, tests).
        #[arg(long, value_name = "URL", conflicts_with = "from")]
        base_url: Option<String>,
        /// Install the ONNX Runtime library instead (the faster runtime, used when present):
        /// the official release archive, or with --from its .tgz or the library file.
        #[arg(long)]
        onnxruntime: bool,
    },
    /// Check the models in the model folder load.
    Check,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    pub shell: clap_complete::Shell,
}

const SERVE_ABOUT: &str =
    "Run a local Rekognition-compatible endpoint (AWS JSON 1.1) over the offline engine.

boto3 and AWS SDK code talks to it as to Rekognition: point the client's endpoint_url at the
address printed on stdout. Operations: CreateCollection, DescribeCollection, ListCollections,
DeleteCollection, IndexFaces, ListFaces, DeleteFaces, SearchFaces, SearchFacesByImage, DetectFaces,
CompareFaces, and the Users API (CreateUser, DeleteUser, ListUsers, AssociateFaces,
DisassociateFaces, SearchUsers, SearchUsersByImage). Collections and faces are kept in <data dir>/rekognition.sqlite (or in memory).
Image.S3Object images are fetched from --s3-endpoint-url (else --endpoint-url, else AWS's S3).
The global --tps sets a per-operation quota answered with ProvisionedThroughputExceededException;
--region names the region in collection ARNs. Stops on Ctrl-C.";

/// `facectl serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (loopback by default; port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8095", value_name = "HOST:PORT")]
    pub listen: std::net::SocketAddr,
    /// Keep collections in memory only (nothing written to the data dir; the console's local
    /// data goes to a temporary folder removed at exit).
    #[arg(long)]
    pub in_memory: bool,
    /// Delay added to every request, in milliseconds (for tests and benchmarks).
    #[arg(long, default_value_t = 0, value_name = "MS")]
    pub latency_ms: u64,
    /// Verify SigV4 signatures with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (else any
    /// signature, or none, is accepted).
    #[arg(long)]
    pub require_signature: bool,
    /// With --require-signature, also accept `X-Amz-Content-SHA256: UNSIGNED-PAYLOAD` (a
    /// request body the signature does not cover). Off by default.
    #[arg(long, requires = "require_signature")]
    pub allow_unsigned_payload: bool,
    /// Account id in collection ARNs.
    #[arg(long, default_value = "000000000000")]
    pub account: String,
    /// Concurrent face-engine computations [default: number of CPUs].
    #[arg(long)]
    pub workers: Option<usize>,
    /// Access token for the web console and the REST API (also FACECTL_SERVE_TOKEN). Required
    /// beyond loopback: when `--listen` is not a loopback address and none is given, one is
    /// generated and printed once.
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,
    /// Serve only the Rekognition-compatible endpoint (no web console, no REST API).
    #[arg(long)]
    pub no_web: bool,
}
