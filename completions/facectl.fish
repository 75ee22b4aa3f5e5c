# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_facectl_global_optspecs
    string join \n backend= data-dir= model-dir= runtime= config= o/output= q/quiet v/verbose no-progress profile= region= endpoint-url= s3-endpoint-url= rekognition-endpoint-url= dynamodb-endpoint-url= bucket= prefix= upload-prefix= queue= collection= table= tps= hash-key= name-attr= force-path-style h/help V/version
end

function __fish_facectl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_facectl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_facectl_using_subcommand
    set -l cmd (__fish_facectl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c facectl -n "__fish_facectl_needs_command" -l backend -d 'Backend to use' -r -f -a "local\t''
aws\t''"
complete -c facectl -n "__fish_facectl_needs_command" -l data-dir -d 'Local backend data folder (images, database, models)' -r -F
complete -c facectl -n "__fish_facectl_needs_command" -l model-dir -d 'Folder with the ONNX face models' -r -F
complete -c facectl -n "__fish_facectl_needs_command" -l runtime -d 'Runtime of the face models: auto (ONNX Runtime when its library is installed or ORT_DYLIB_PATH names it, else tract), tract, or onnxruntime' -r
complete -c facectl -n "__fish_facectl_needs_command" -l config -d 'Config file (TOML)' -r -F
complete -c facectl -n "__fish_facectl_needs_command" -s o -l output -d 'Output format for results on stdout' -r -f -a "table\t''
json\t''
jsonl\t''
csv\t''"
complete -c facectl -n "__fish_facectl_needs_command" -l profile -d 'AWS profile (else AWS_PROFILE)' -r
complete -c facectl -n "__fish_facectl_needs_command" -l region -d 'AWS region (else AWS_REGION or the profile\'s)' -r
complete -c facectl -n "__fish_facectl_needs_command" -l endpoint-url -d 'Endpoint for every AWS service (S3-compatible or local servers)' -r
complete -c facectl -n "__fish_facectl_needs_command" -l s3-endpoint-url -d 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)' -r
complete -c facectl -n "__fish_facectl_needs_command" -l rekognition-endpoint-url -d 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)' -r
complete -c facectl -n "__fish_facectl_needs_command" -l dynamodb-endpoint-url -d 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)' -r
complete -c facectl -n "__fish_facectl_needs_command" -l bucket -d 'S3 bucket for images' -r
complete -c facectl -n "__fish_facectl_needs_command" -l prefix -d 'Key prefix for images in the bucket [default: faces/]' -r
complete -c facectl -n "__fish_facectl_needs_command" -l upload-prefix -d 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]' -r
complete -c facectl -n "__fish_facectl_needs_command" -l queue -d 'SQS queue the bucket\'s upload notifications go to [default: <bucket>-uploads]' -r
complete -c facectl -n "__fish_facectl_needs_command" -l collection -d 'Rekognition collection id [default: facectl]' -r
complete -c facectl -n "__fish_facectl_needs_command" -l table -d 'DynamoDB table [default: facectl-faces]' -r
complete -c facectl -n "__fish_facectl_needs_command" -l tps -d 'Client-side limit on Rekognition calls per second [default: 5]' -r
complete -c facectl -n "__fish_facectl_needs_command" -l hash-key -d 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)' -r
complete -c facectl -n "__fish_facectl_needs_command" -l name-attr -d 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)' -r
complete -c facectl -n "__fish_facectl_needs_command" -s q -l quiet -d 'Only print results and errors (no progress, no warnings)'
complete -c facectl -n "__fish_facectl_needs_command" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace)'
complete -c facectl -n "__fish_facectl_needs_command" -l no-progress -d 'Never show progress bars (they are hidden anyway when stderr is not a terminal)'
complete -c facectl -n "__fish_facectl_needs_command" -l force-path-style -d 'Path-style S3 addressing (for S3-compatible servers)'
complete -c facectl -n "__fish_facectl_needs_command" -s h -l help -d 'Print help'
complete -c facectl -n "__fish_facectl_needs_command" -s V -l version -d 'Print version'
complete -c facectl -n "__fish_facectl_needs_command" -f -a "provision" -d 'Create the image store, face collection and person table (idempotent)'
complete -c facectl -n "__fish_facectl_needs_command" -f -a "enroll" -d 'Index a person\'s face from one or more photos'
complete -c facectl -n "__fish_facectl_needs_command" -f -a "bulk-import" -d 'Import a folder of photos; persons from folder names, file names or a CSV'
complete -c facectl -n "__fish_facectl_needs_command" -f -a "watch" -d 'Import photos as they land in a folder (new and changed files, once each)'
complete -c facectl -n "__fish_facectl_needs_command" -f -a "search" -d 'Find who is in a photo'
complete -c facectl -n "__fish_facectl_needs_command" -f -a "verify" -d 'Check whether a photo shows a given enrolled person (1:1)'
complete -c facectl -n "__fish_facectl_needs_command" -f -a "compare" -d 'Check whether two photos show the same person'
complete -c facectl -n "__fish_facectl_needs_command" -f -a "delete" -d 'Forget a person, a face or an image everywhere (collection, table, image store)'
complete -c facectl -n "__fish_facectl_needs_command" -f -a "list" -d 'List enrolled persons or faces'
complete -c facectl -n "__fish_facectl_needs_command" -f -a "status" -d 'Show counts, locations, model and sizes'
complete -c facectl -n "__fish_facectl_needs_command" -f -a "doctor" -d 'Find and repair disagreements between collection, table and image store'
complete -c facectl -n "__fish_facectl_needs_command" -f -a "models" -d 'Install or check the face models'
complete -c facectl -n "__fish_facectl_needs_command" -f -a "serve" -d 'Run a local Rekognition-compatible endpoint (AWS JSON 1.1) over the offline engine'
complete -c facectl -n "__fish_facectl_needs_command" -f -a "lambda" -d 'Run as an AWS Lambda function that indexes uploads (S3 notifications, or batches of the upload queue); started by the Lambda runtime, or by a binary named `bootstrap`'
complete -c facectl -n "__fish_facectl_needs_command" -f -a "completions" -d 'Print shell completions'
complete -c facectl -n "__fish_facectl_needs_command" -f -a "manpage" -d 'Print the man page (roff)'
complete -c facectl -n "__fish_facectl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c facectl -n "__fish_facectl_using_subcommand provision" -l account -d 'AWS account id to put in the policy\'s ARNs (else `*`)' -r
complete -c facectl -n "__fish_facectl_using_subcommand provision" -l backend -d 'Backend to use' -r -f -a "local\t''
aws\t''"
complete -c facectl -n "__fish_facectl_using_subcommand provision" -l data-dir -d 'Local backend data folder (images, database, models)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand provision" -l model-dir -d 'Folder with the ONNX face models' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand provision" -l runtime -d 'Runtime of the face models: auto (ONNX Runtime when its library is installed or ORT_DYLIB_PATH names it, else tract), tract, or onnxruntime' -r
complete -c facectl -n "__fish_facectl_using_subcommand provision" -l config -d 'Config file (TOML)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand provision" -s o -l output -d 'Output format for results on stdout' -r -f -a "table\t''
json\t''
jsonl\t''
csv\t''"
complete -c facectl -n "__fish_facectl_using_subcommand provision" -l profile -d 'AWS profile (else AWS_PROFILE)' -r
complete -c facectl -n "__fish_facectl_using_subcommand provision" -l region -d 'AWS region (else AWS_REGION or the profile\'s)' -r
complete -c facectl -n "__fish_facectl_using_subcommand provision" -l endpoint-url -d 'Endpoint for every AWS service (S3-compatible or local servers)' -r
complete -c facectl -n "__fish_facectl_using_subcommand provision" -l s3-endpoint-url -d 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)' -r
complete -c facectl -n "__fish_facectl_using_subcommand provision" -l rekognition-endpoint-url -d 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)' -r
complete -c facectl -n "__fish_facectl_using_subcommand provision" -l dynamodb-endpoint-url -d 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)' -r
complete -c facectl -n "__fish_facectl_using_subcommand provision" -l bucket -d 'S3 bucket for images' -r
complete -c facectl -n "__fish_facectl_using_subcommand provision" -l prefix -d 'Key prefix for images in the bucket [default: faces/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand provision" -l upload-prefix -d 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand provision" -l queue -d 'SQS queue the bucket\'s upload notifications go to [default: <bucket>-uploads]' -r
complete -c facectl -n "__fish_facectl_using_subcommand provision" -l collection -d 'Rekognition collection id [default: facectl]' -r
complete -c facectl -n "__fish_facectl_using_subcommand provision" -l table -d 'DynamoDB table [default: facectl-faces]' -r
complete -c facectl -n "__fish_facectl_using_subcommand provision" -l tps -d 'Client-side limit on Rekognition calls per second [default: 5]' -r
complete -c facectl -n "__fish_facectl_using_subcommand provision" -l hash-key -d 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)' -r
complete -c facectl -n "__fish_facectl_using_subcommand provision" -l name-attr -d 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)' -r
complete -c facectl -n "__fish_facectl_using_subcommand provision" -l dry-run -d 'Show what would be created without creating anything'
complete -c facectl -n "__fish_facectl_using_subcommand provision" -l print-iam-policy -d 'Print the least-privilege IAM policy (JSON) the aws backend needs for the configured bucket, collection and table, and exit'
complete -c facectl -n "__fish_facectl_using_subcommand provision" -l trigger -d 'aws backend: also the upload trigger, an SQS queue (with a dead-letter queue) that the bucket\'s notifications for new objects under --upload-prefix go to, for `watch`; with --print-iam-policy, add the statements it needs'
complete -c facectl -n "__fish_facectl_using_subcommand provision" -s q -l quiet -d 'Only print results and errors (no progress, no warnings)'
complete -c facectl -n "__fish_facectl_using_subcommand provision" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace)'
complete -c facectl -n "__fish_facectl_using_subcommand provision" -l no-progress -d 'Never show progress bars (they are hidden anyway when stderr is not a terminal)'
complete -c facectl -n "__fish_facectl_using_subcommand provision" -l force-path-style -d 'Path-style S3 addressing (for S3-compatible servers)'
complete -c facectl -n "__fish_facectl_using_subcommand provision" -s h -l help -d 'Print help'
complete -c facectl -n "__fish_facectl_using_subcommand enroll" -l name -d 'Person\'s display name (the person is created if new)' -r
complete -c facectl -n "__fish_facectl_using_subcommand enroll" -l person-id -d 'Existing person id (or a new id, together with --name)' -r
complete -c facectl -n "__fish_facectl_using_subcommand enroll" -l first-name -r
complete -c facectl -n "__fish_facectl_using_subcommand enroll" -l last-name -r
complete -c facectl -n "__fish_facectl_using_subcommand enroll" -l meta -d 'Extra metadata, repeatable: --meta team=red --meta badge=42' -r
complete -c facectl -n "__fish_facectl_using_subcommand enroll" -l quality-filter -d 'Quality gate before indexing (as Rekognition\'s QualityFilter)' -r -f -a "none\t''
auto\t''
low\t''
medium\t''
high\t''"
complete -c facectl -n "__fish_facectl_using_subcommand enroll" -l backend -d 'Backend to use' -r -f -a "local\t''
aws\t''"
complete -c facectl -n "__fish_facectl_using_subcommand enroll" -l data-dir -d 'Local backend data folder (images, database, models)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand enroll" -l model-dir -d 'Folder with the ONNX face models' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand enroll" -l runtime -d 'Runtime of the face models: auto (ONNX Runtime when its library is installed or ORT_DYLIB_PATH names it, else tract), tract, or onnxruntime' -r
complete -c facectl -n "__fish_facectl_using_subcommand enroll" -l config -d 'Config file (TOML)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand enroll" -s o -l output -d 'Output format for results on stdout' -r -f -a "table\t''
json\t''
jsonl\t''
csv\t''"
complete -c facectl -n "__fish_facectl_using_subcommand enroll" -l profile -d 'AWS profile (else AWS_PROFILE)' -r
complete -c facectl -n "__fish_facectl_using_subcommand enroll" -l region -d 'AWS region (else AWS_REGION or the profile\'s)' -r
complete -c facectl -n "__fish_facectl_using_subcommand enroll" -l endpoint-url -d 'Endpoint for every AWS service (S3-compatible or local servers)' -r
complete -c facectl -n "__fish_facectl_using_subcommand enroll" -l s3-endpoint-url -d 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)' -r
complete -c facectl -n "__fish_facectl_using_subcommand enroll" -l rekognition-endpoint-url -d 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)' -r
complete -c facectl -n "__fish_facectl_using_subcommand enroll" -l dynamodb-endpoint-url -d 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)' -r
complete -c facectl -n "__fish_facectl_using_subcommand enroll" -l bucket -d 'S3 bucket for images' -r
complete -c facectl -n "__fish_facectl_using_subcommand enroll" -l prefix -d 'Key prefix for images in the bucket [default: faces/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand enroll" -l upload-prefix -d 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand enroll" -l queue -d 'SQS queue the bucket\'s upload notifications go to [default: <bucket>-uploads]' -r
complete -c facectl -n "__fish_facectl_using_subcommand enroll" -l collection -d 'Rekognition collection id [default: facectl]' -r
complete -c facectl -n "__fish_facectl_using_subcommand enroll" -l table -d 'DynamoDB table [default: facectl-faces]' -r
complete -c facectl -n "__fish_facectl_using_subcommand enroll" -l tps -d 'Client-side limit on Rekognition calls per second [default: 5]' -r
complete -c facectl -n "__fish_facectl_using_subcommand enroll" -l hash-key -d 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)' -r
complete -c facectl -n "__fish_facectl_using_subcommand enroll" -l name-attr -d 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)' -r
complete -c facectl -n "__fish_facectl_using_subcommand enroll" -l all-faces -d 'Index every face in the photo (up to 100) instead of the largest'
complete -c facectl -n "__fish_facectl_using_subcommand enroll" -s q -l quiet -d 'Only print results and errors (no progress, no warnings)'
complete -c facectl -n "__fish_facectl_using_subcommand enroll" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace)'
complete -c facectl -n "__fish_facectl_using_subcommand enroll" -l no-progress -d 'Never show progress bars (they are hidden anyway when stderr is not a terminal)'
complete -c facectl -n "__fish_facectl_using_subcommand enroll" -l force-path-style -d 'Path-style S3 addressing (for S3-compatible servers)'
complete -c facectl -n "__fish_facectl_using_subcommand enroll" -s h -l help -d 'Print help'
complete -c facectl -n "__fish_facectl_using_subcommand bulk-import" -l name-from -d 'How persons are named (ignored with --mapping)' -r -f -a "auto\t'Sub-folder name for files in sub-folders, file name for files at the top'
folder\t'The file\'s folder: dir/Jane_Doe/1.jpg -> "Jane Doe"'
stem\t'The file name: Jane_Doe_0001.jpg -> "Jane Doe"'"
complete -c facectl -n "__fish_facectl_using_subcommand bulk-import" -l mapping -d 'CSV mapping `file,name[,first_name,last_name,person_id,<meta>...]` (header optional)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand bulk-import" -s j -l jobs -d 'Files processed at once (default 2, or `jobs` in the config file)' -r
complete -c facectl -n "__fish_facectl_using_subcommand bulk-import" -l multiple -d 'When a photo shows several faces of similar size' -r -f -a "largest\t'Index the largest face'
skip\t'Index nothing and report the photo as `multiple_faces`'"
complete -c facectl -n "__fish_facectl_using_subcommand bulk-import" -l quality-filter -d 'Quality gate before indexing (as Rekognition\'s QualityFilter)' -r -f -a "none\t''
auto\t''
low\t''
medium\t''
high\t''"
complete -c facectl -n "__fish_facectl_using_subcommand bulk-import" -l limit -d 'Stop after this many files' -r
complete -c facectl -n "__fish_facectl_using_subcommand bulk-import" -l report -d 'Write the per-file outcomes as JSON to this file' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand bulk-import" -l backend -d 'Backend to use' -r -f -a "local\t''
aws\t''"
complete -c facectl -n "__fish_facectl_using_subcommand bulk-import" -l data-dir -d 'Local backend data folder (images, database, models)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand bulk-import" -l model-dir -d 'Folder with the ONNX face models' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand bulk-import" -l runtime -d 'Runtime of the face models: auto (ONNX Runtime when its library is installed or ORT_DYLIB_PATH names it, else tract), tract, or onnxruntime' -r
complete -c facectl -n "__fish_facectl_using_subcommand bulk-import" -l config -d 'Config file (TOML)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand bulk-import" -s o -l output -d 'Output format for results on stdout' -r -f -a "table\t''
json\t''
jsonl\t''
csv\t''"
complete -c facectl -n "__fish_facectl_using_subcommand bulk-import" -l profile -d 'AWS profile (else AWS_PROFILE)' -r
complete -c facectl -n "__fish_facectl_using_subcommand bulk-import" -l region -d 'AWS region (else AWS_REGION or the profile\'s)' -r
complete -c facectl -n "__fish_facectl_using_subcommand bulk-import" -l endpoint-url -d 'Endpoint for every AWS service (S3-compatible or local servers)' -r
complete -c facectl -n "__fish_facectl_using_subcommand bulk-import" -l s3-endpoint-url -d 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)' -r
complete -c facectl -n "__fish_facectl_using_subcommand bulk-import" -l rekognition-endpoint-url -d 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)' -r
complete -c facectl -n "__fish_facectl_using_subcommand bulk-import" -l dynamodb-endpoint-url -d 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)' -r
complete -c facectl -n "__fish_facectl_using_subcommand bulk-import" -l bucket -d 'S3 bucket for images' -r
complete -c facectl -n "__fish_facectl_using_subcommand bulk-import" -l prefix -d 'Key prefix for images in the bucket [default: faces/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand bulk-import" -l upload-prefix -d 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand bulk-import" -l queue -d 'SQS queue the bucket\'s upload notifications go to [default: <bucket>-uploads]' -r
complete -c facectl -n "__fish_facectl_using_subcommand bulk-import" -l collection -d 'Rekognition collection id [default: facectl]' -r
complete -c facectl -n "__fish_facectl_using_subcommand bulk-import" -l table -d 'DynamoDB table [default: facectl-faces]' -r
complete -c facectl -n "__fish_facectl_using_subcommand bulk-import" -l tps -d 'Client-side limit on Rekognition calls per second [default: 5]' -r
complete -c facectl -n "__fish_facectl_using_subcommand bulk-import" -l hash-key -d 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)' -r
complete -c facectl -n "__fish_facectl_using_subcommand bulk-import" -l name-attr -d 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)' -r
complete -c facectl -n "__fish_facectl_using_subcommand bulk-import" -l all-faces -d 'Index every face in the photo (up to 100) instead of the largest'
complete -c facectl -n "__fish_facectl_using_subcommand bulk-import" -s q -l quiet -d 'Only print results and errors (no progress, no warnings)'
complete -c facectl -n "__fish_facectl_using_subcommand bulk-import" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace)'
complete -c facectl -n "__fish_facectl_using_subcommand bulk-import" -l no-progress -d 'Never show progress bars (they are hidden anyway when stderr is not a terminal)'
complete -c facectl -n "__fish_facectl_using_subcommand bulk-import" -l force-path-style -d 'Path-style S3 addressing (for S3-compatible servers)'
complete -c facectl -n "__fish_facectl_using_subcommand bulk-import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c facectl -n "__fish_facectl_using_subcommand watch" -l name-from -d 'How persons are named (ignored with --mapping)' -r -f -a "auto\t'Sub-folder name for files in sub-folders, file name for files at the top'
folder\t'The file\'s folder: dir/Jane_Doe/1.jpg -> "Jane Doe"'
stem\t'The file name: Jane_Doe_0001.jpg -> "Jane Doe"'"
complete -c facectl -n "__fish_facectl_using_subcommand watch" -l mapping -d 'CSV mapping `file,name[,first_name,last_name,person_id,<meta>...]` (header optional)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand watch" -s j -l jobs -d 'Files processed at once (default 2, or `jobs` in the config file)' -r
complete -c facectl -n "__fish_facectl_using_subcommand watch" -l multiple -d 'When a photo shows several faces of similar size' -r -f -a "largest\t'Index the largest face'
skip\t'Index nothing and report the photo as `multiple_faces`'"
complete -c facectl -n "__fish_facectl_using_subcommand watch" -l quality-filter -d 'Quality gate before indexing (as Rekognition\'s QualityFilter)' -r -f -a "none\t''
auto\t''
low\t''
medium\t''
high\t''"
complete -c facectl -n "__fish_facectl_using_subcommand watch" -l settle -d 'Seconds a file must stay unchanged (size and time) before it is imported' -r
complete -c facectl -n "__fish_facectl_using_subcommand watch" -l interval -d 'Longest pause between two walks of the folder, seconds (file-system events start one sooner; with --poll this is the polling period)' -r
complete -c facectl -n "__fish_facectl_using_subcommand watch" -l backend -d 'Backend to use' -r -f -a "local\t''
aws\t''"
complete -c facectl -n "__fish_facectl_using_subcommand watch" -l data-dir -d 'Local backend data folder (images, database, models)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand watch" -l model-dir -d 'Folder with the ONNX face models' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand watch" -l runtime -d 'Runtime of the face models: auto (ONNX Runtime when its library is installed or ORT_DYLIB_PATH names it, else tract), tract, or onnxruntime' -r
complete -c facectl -n "__fish_facectl_using_subcommand watch" -l config -d 'Config file (TOML)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand watch" -s o -l output -d 'Output format for results on stdout' -r -f -a "table\t''
json\t''
jsonl\t''
csv\t''"
complete -c facectl -n "__fish_facectl_using_subcommand watch" -l profile -d 'AWS profile (else AWS_PROFILE)' -r
complete -c facectl -n "__fish_facectl_using_subcommand watch" -l region -d 'AWS region (else AWS_REGION or the profile\'s)' -r
complete -c facectl -n "__fish_facectl_using_subcommand watch" -l endpoint-url -d 'Endpoint for every AWS service (S3-compatible or local servers)' -r
complete -c facectl -n "__fish_facectl_using_subcommand watch" -l s3-endpoint-url -d 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)' -r
complete -c facectl -n "__fish_facectl_using_subcommand watch" -l rekognition-endpoint-url -d 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)' -r
complete -c facectl -n "__fish_facectl_using_subcommand watch" -l dynamodb-endpoint-url -d 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)' -r
complete -c facectl -n "__fish_facectl_using_subcommand watch" -l bucket -d 'S3 bucket for images' -r
complete -c facectl -n "__fish_facectl_using_subcommand watch" -l prefix -d 'Key prefix for images in the bucket [default: faces/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand watch" -l upload-prefix -d 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand watch" -l queue -d 'SQS queue the bucket\'s upload notifications go to [default: <bucket>-uploads]' -r
complete -c facectl -n "__fish_facectl_using_subcommand watch" -l collection -d 'Rekognition collection id [default: facectl]' -r
complete -c facectl -n "__fish_facectl_using_subcommand watch" -l table -d 'DynamoDB table [default: facectl-faces]' -r
complete -c facectl -n "__fish_facectl_using_subcommand watch" -l tps -d 'Client-side limit on Rekognition calls per second [default: 5]' -r
complete -c facectl -n "__fish_facectl_using_subcommand watch" -l hash-key -d 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)' -r
complete -c facectl -n "__fish_facectl_using_subcommand watch" -l name-attr -d 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)' -r
complete -c facectl -n "__fish_facectl_using_subcommand watch" -l all-faces -d 'Index every face in the photo (up to 100) instead of the largest'
complete -c facectl -n "__fish_facectl_using_subcommand watch" -l poll -d 'Do not use file-system events, only walk the folder every --interval (network drives)'
complete -c facectl -n "__fish_facectl_using_subcommand watch" -l once -d 'Import what is in the folder (or on the upload queue) now (waiting for files still being written), then exit'
complete -c facectl -n "__fish_facectl_using_subcommand watch" -s q -l quiet -d 'Only print results and errors (no progress, no warnings)'
complete -c facectl -n "__fish_facectl_using_subcommand watch" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace)'
complete -c facectl -n "__fish_facectl_using_subcommand watch" -l no-progress -d 'Never show progress bars (they are hidden anyway when stderr is not a terminal)'
complete -c facectl -n "__fish_facectl_using_subcommand watch" -l force-path-style -d 'Path-style S3 addressing (for S3-compatible servers)'
complete -c facectl -n "__fish_facectl_using_subcommand watch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c facectl -n "__fish_facectl_using_subcommand search" -l threshold -d 'Minimum similarity 0-100 (default 80: a confident match; see the README, "Similarity")' -r
complete -c facectl -n "__fish_facectl_using_subcommand search" -l max-matches -d 'Persons per face (each with their best face), best first' -r
complete -c facectl -n "__fish_facectl_using_subcommand search" -l backend -d 'Backend to use' -r -f -a "local\t''
aws\t''"
complete -c facectl -n "__fish_facectl_using_subcommand search" -l data-dir -d 'Local backend data folder (images, database, models)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand search" -l model-dir -d 'Folder with the ONNX face models' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand search" -l runtime -d 'Runtime of the face models: auto (ONNX Runtime when its library is installed or ORT_DYLIB_PATH names it, else tract), tract, or onnxruntime' -r
complete -c facectl -n "__fish_facectl_using_subcommand search" -l config -d 'Config file (TOML)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand search" -s o -l output -d 'Output format for results on stdout' -r -f -a "table\t''
json\t''
jsonl\t''
csv\t''"
complete -c facectl -n "__fish_facectl_using_subcommand search" -l profile -d 'AWS profile (else AWS_PROFILE)' -r
complete -c facectl -n "__fish_facectl_using_subcommand search" -l region -d 'AWS region (else AWS_REGION or the profile\'s)' -r
complete -c facectl -n "__fish_facectl_using_subcommand search" -l endpoint-url -d 'Endpoint for every AWS service (S3-compatible or local servers)' -r
complete -c facectl -n "__fish_facectl_using_subcommand search" -l s3-endpoint-url -d 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)' -r
complete -c facectl -n "__fish_facectl_using_subcommand search" -l rekognition-endpoint-url -d 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)' -r
complete -c facectl -n "__fish_facectl_using_subcommand search" -l dynamodb-endpoint-url -d 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)' -r
complete -c facectl -n "__fish_facectl_using_subcommand search" -l bucket -d 'S3 bucket for images' -r
complete -c facectl -n "__fish_facectl_using_subcommand search" -l prefix -d 'Key prefix for images in the bucket [default: faces/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand search" -l upload-prefix -d 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand search" -l queue -d 'SQS queue the bucket\'s upload notifications go to [default: <bucket>-uploads]' -r
complete -c facectl -n "__fish_facectl_using_subcommand search" -l collection -d 'Rekognition collection id [default: facectl]' -r
complete -c facectl -n "__fish_facectl_using_subcommand search" -l table -d 'DynamoDB table [default: facectl-faces]' -r
complete -c facectl -n "__fish_facectl_using_subcommand search" -l tps -d 'Client-side limit on Rekognition calls per second [default: 5]' -r
complete -c facectl -n "__fish_facectl_using_subcommand search" -l hash-key -d 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)' -r
complete -c facectl -n "__fish_facectl_using_subcommand search" -l name-attr -d 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)' -r
complete -c facectl -n "__fish_facectl_using_subcommand search" -l largest -d 'Search only the largest face'
complete -c facectl -n "__fish_facectl_using_subcommand search" -s q -l quiet -d 'Only print results and errors (no progress, no warnings)'
complete -c facectl -n "__fish_facectl_using_subcommand search" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace)'
complete -c facectl -n "__fish_facectl_using_subcommand search" -l no-progress -d 'Never show progress bars (they are hidden anyway when stderr is not a terminal)'
complete -c facectl -n "__fish_facectl_using_subcommand search" -l force-path-style -d 'Path-style S3 addressing (for S3-compatible servers)'
complete -c facectl -n "__fish_facectl_using_subcommand search" -s h -l help -d 'Print help'
complete -c facectl -n "__fish_facectl_using_subcommand verify" -l name -d 'Person\'s name (must be unique)' -r
complete -c facectl -n "__fish_facectl_using_subcommand verify" -l person-id -r
complete -c facectl -n "__fish_facectl_using_subcommand verify" -l threshold -d 'Minimum similarity 0-100 (default 80)' -r
complete -c facectl -n "__fish_facectl_using_subcommand verify" -l backend -d 'Backend to use' -r -f -a "local\t''
aws\t''"
complete -c facectl -n "__fish_facectl_using_subcommand verify" -l data-dir -d 'Local backend data folder (images, database, models)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand verify" -l model-dir -d 'Folder with the ONNX face models' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand verify" -l runtime -d 'Runtime of the face models: auto (ONNX Runtime when its library is installed or ORT_DYLIB_PATH names it, else tract), tract, or onnxruntime' -r
complete -c facectl -n "__fish_facectl_using_subcommand verify" -l config -d 'Config file (TOML)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand verify" -s o -l output -d 'Output format for results on stdout' -r -f -a "table\t''
json\t''
jsonl\t''
csv\t''"
complete -c facectl -n "__fish_facectl_using_subcommand verify" -l profile -d 'AWS profile (else AWS_PROFILE)' -r
complete -c facectl -n "__fish_facectl_using_subcommand verify" -l region -d 'AWS region (else AWS_REGION or the profile\'s)' -r
complete -c facectl -n "__fish_facectl_using_subcommand verify" -l endpoint-url -d 'Endpoint for every AWS service (S3-compatible or local servers)' -r
complete -c facectl -n "__fish_facectl_using_subcommand verify" -l s3-endpoint-url -d 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)' -r
complete -c facectl -n "__fish_facectl_using_subcommand verify" -l rekognition-endpoint-url -d 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)' -r
complete -c facectl -n "__fish_facectl_using_subcommand verify" -l dynamodb-endpoint-url -d 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)' -r
complete -c facectl -n "__fish_facectl_using_subcommand verify" -l bucket -d 'S3 bucket for images' -r
complete -c facectl -n "__fish_facectl_using_subcommand verify" -l prefix -d 'Key prefix for images in the bucket [default: faces/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand verify" -l upload-prefix -d 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand verify" -l queue -d 'SQS queue the bucket\'s upload notifications go to [default: <bucket>-uploads]' -r
complete -c facectl -n "__fish_facectl_using_subcommand verify" -l collection -d 'Rekognition collection id [default: facectl]' -r
complete -c facectl -n "__fish_facectl_using_subcommand verify" -l table -d 'DynamoDB table [default: facectl-faces]' -r
complete -c facectl -n "__fish_facectl_using_subcommand verify" -l tps -d 'Client-side limit on Rekognition calls per second [default: 5]' -r
complete -c facectl -n "__fish_facectl_using_subcommand verify" -l hash-key -d 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)' -r
complete -c facectl -n "__fish_facectl_using_subcommand verify" -l name-attr -d 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)' -r
complete -c facectl -n "__fish_facectl_using_subcommand verify" -s q -l quiet -d 'Only print results and errors (no progress, no warnings)'
complete -c facectl -n "__fish_facectl_using_subcommand verify" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace)'
complete -c facectl -n "__fish_facectl_using_subcommand verify" -l no-progress -d 'Never show progress bars (they are hidden anyway when stderr is not a terminal)'
complete -c facectl -n "__fish_facectl_using_subcommand verify" -l force-path-style -d 'Path-style S3 addressing (for S3-compatible servers)'
complete -c facectl -n "__fish_facectl_using_subcommand verify" -s h -l help -d 'Print help'
complete -c facectl -n "__fish_facectl_using_subcommand compare" -l threshold -d 'Minimum similarity 0-100 (default 80)' -r
complete -c facectl -n "__fish_facectl_using_subcommand compare" -l backend -d 'Backend to use' -r -f -a "local\t''
aws\t''"
complete -c facectl -n "__fish_facectl_using_subcommand compare" -l data-dir -d 'Local backend data folder (images, database, models)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand compare" -l model-dir -d 'Folder with the ONNX face models' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand compare" -l runtime -d 'Runtime of the face models: auto (ONNX Runtime when its library is installed or ORT_DYLIB_PATH names it, else tract), tract, or onnxruntime' -r
complete -c facectl -n "__fish_facectl_using_subcommand compare" -l config -d 'Config file (TOML)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand compare" -s o -l output -d 'Output format for results on stdout' -r -f -a "table\t''
json\t''
jsonl\t''
csv\t''"
complete -c facectl -n "__fish_facectl_using_subcommand compare" -l profile -d 'AWS profile (else AWS_PROFILE)' -r
complete -c facectl -n "__fish_facectl_using_subcommand compare" -l region -d 'AWS region (else AWS_REGION or the profile\'s)' -r
complete -c facectl -n "__fish_facectl_using_subcommand compare" -l endpoint-url -d 'Endpoint for every AWS service (S3-compatible or local servers)' -r
complete -c facectl -n "__fish_facectl_using_subcommand compare" -l s3-endpoint-url -d 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)' -r
complete -c facectl -n "__fish_facectl_using_subcommand compare" -l rekognition-endpoint-url -d 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)' -r
complete -c facectl -n "__fish_facectl_using_subcommand compare" -l dynamodb-endpoint-url -d 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)' -r
complete -c facectl -n "__fish_facectl_using_subcommand compare" -l bucket -d 'S3 bucket for images' -r
complete -c facectl -n "__fish_facectl_using_subcommand compare" -l prefix -d 'Key prefix for images in the bucket [default: faces/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand compare" -l upload-prefix -d 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand compare" -l queue -d 'SQS queue the bucket\'s upload notifications go to [default: <bucket>-uploads]' -r
complete -c facectl -n "__fish_facectl_using_subcommand compare" -l collection -d 'Rekognition collection id [default: facectl]' -r
complete -c facectl -n "__fish_facectl_using_subcommand compare" -l table -d 'DynamoDB table [default: facectl-faces]' -r
complete -c facectl -n "__fish_facectl_using_subcommand compare" -l tps -d 'Client-side limit on Rekognition calls per second [default: 5]' -r
complete -c facectl -n "__fish_facectl_using_subcommand compare" -l hash-key -d 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)' -r
complete -c facectl -n "__fish_facectl_using_subcommand compare" -l name-attr -d 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)' -r
complete -c facectl -n "__fish_facectl_using_subcommand compare" -s q -l quiet -d 'Only print results and errors (no progress, no warnings)'
complete -c facectl -n "__fish_facectl_using_subcommand compare" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace)'
complete -c facectl -n "__fish_facectl_using_subcommand compare" -l no-progress -d 'Never show progress bars (they are hidden anyway when stderr is not a terminal)'
complete -c facectl -n "__fish_facectl_using_subcommand compare" -l force-path-style -d 'Path-style S3 addressing (for S3-compatible servers)'
complete -c facectl -n "__fish_facectl_using_subcommand compare" -s h -l help -d 'Print help'
complete -c facectl -n "__fish_facectl_using_subcommand delete" -l person -d 'Person by name: all their faces and images' -r
complete -c facectl -n "__fish_facectl_using_subcommand delete" -l person-id -d 'Person by id' -r
complete -c facectl -n "__fish_facectl_using_subcommand delete" -l face -d 'One face by id' -r
complete -c facectl -n "__fish_facectl_using_subcommand delete" -l image -d 'One image by content hash, stored key or local file' -r
complete -c facectl -n "__fish_facectl_using_subcommand delete" -l backend -d 'Backend to use' -r -f -a "local\t''
aws\t''"
complete -c facectl -n "__fish_facectl_using_subcommand delete" -l data-dir -d 'Local backend data folder (images, database, models)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand delete" -l model-dir -d 'Folder with the ONNX face models' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand delete" -l runtime -d 'Runtime of the face models: auto (ONNX Runtime when its library is installed or ORT_DYLIB_PATH names it, else tract), tract, or onnxruntime' -r
complete -c facectl -n "__fish_facectl_using_subcommand delete" -l config -d 'Config file (TOML)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand delete" -s o -l output -d 'Output format for results on stdout' -r -f -a "table\t''
json\t''
jsonl\t''
csv\t''"
complete -c facectl -n "__fish_facectl_using_subcommand delete" -l profile -d 'AWS profile (else AWS_PROFILE)' -r
complete -c facectl -n "__fish_facectl_using_subcommand delete" -l region -d 'AWS region (else AWS_REGION or the profile\'s)' -r
complete -c facectl -n "__fish_facectl_using_subcommand delete" -l endpoint-url -d 'Endpoint for every AWS service (S3-compatible or local servers)' -r
complete -c facectl -n "__fish_facectl_using_subcommand delete" -l s3-endpoint-url -d 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)' -r
complete -c facectl -n "__fish_facectl_using_subcommand delete" -l rekognition-endpoint-url -d 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)' -r
complete -c facectl -n "__fish_facectl_using_subcommand delete" -l dynamodb-endpoint-url -d 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)' -r
complete -c facectl -n "__fish_facectl_using_subcommand delete" -l bucket -d 'S3 bucket for images' -r
complete -c facectl -n "__fish_facectl_using_subcommand delete" -l prefix -d 'Key prefix for images in the bucket [default: faces/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand delete" -l upload-prefix -d 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand delete" -l queue -d 'SQS queue the bucket\'s upload notifications go to [default: <bucket>-uploads]' -r
complete -c facectl -n "__fish_facectl_using_subcommand delete" -l collection -d 'Rekognition collection id [default: facectl]' -r
complete -c facectl -n "__fish_facectl_using_subcommand delete" -l table -d 'DynamoDB table [default: facectl-faces]' -r
complete -c facectl -n "__fish_facectl_using_subcommand delete" -l tps -d 'Client-side limit on Rekognition calls per second [default: 5]' -r
complete -c facectl -n "__fish_facectl_using_subcommand delete" -l hash-key -d 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)' -r
complete -c facectl -n "__fish_facectl_using_subcommand delete" -l name-attr -d 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)' -r
complete -c facectl -n "__fish_facectl_using_subcommand delete" -l dry-run -d 'List what would be deleted, delete nothing'
complete -c facectl -n "__fish_facectl_using_subcommand delete" -s y -l yes -d 'Do not ask for confirmation (required when stdin is not a terminal)'
complete -c facectl -n "__fish_facectl_using_subcommand delete" -s q -l quiet -d 'Only print results and errors (no progress, no warnings)'
complete -c facectl -n "__fish_facectl_using_subcommand delete" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace)'
complete -c facectl -n "__fish_facectl_using_subcommand delete" -l no-progress -d 'Never show progress bars (they are hidden anyway when stderr is not a terminal)'
complete -c facectl -n "__fish_facectl_using_subcommand delete" -l force-path-style -d 'Path-style S3 addressing (for S3-compatible servers)'
complete -c facectl -n "__fish_facectl_using_subcommand delete" -s h -l help -d 'Print help'
complete -c facectl -n "__fish_facectl_using_subcommand list; and not __fish_seen_subcommand_from persons faces help" -l backend -d 'Backend to use' -r -f -a "local\t''
aws\t''"
complete -c facectl -n "__fish_facectl_using_subcommand list; and not __fish_seen_subcommand_from persons faces help" -l data-dir -d 'Local backend data folder (images, database, models)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand list; and not __fish_seen_subcommand_from persons faces help" -l model-dir -d 'Folder with the ONNX face models' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand list; and not __fish_seen_subcommand_from persons faces help" -l runtime -d 'Runtime of the face models: auto (ONNX Runtime when its library is installed or ORT_DYLIB_PATH names it, else tract), tract, or onnxruntime' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and not __fish_seen_subcommand_from persons faces help" -l config -d 'Config file (TOML)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand list; and not __fish_seen_subcommand_from persons faces help" -s o -l output -d 'Output format for results on stdout' -r -f -a "table\t''
json\t''
jsonl\t''
csv\t''"
complete -c facectl -n "__fish_facectl_using_subcommand list; and not __fish_seen_subcommand_from persons faces help" -l profile -d 'AWS profile (else AWS_PROFILE)' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and not __fish_seen_subcommand_from persons faces help" -l region -d 'AWS region (else AWS_REGION or the profile\'s)' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and not __fish_seen_subcommand_from persons faces help" -l endpoint-url -d 'Endpoint for every AWS service (S3-compatible or local servers)' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and not __fish_seen_subcommand_from persons faces help" -l s3-endpoint-url -d 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and not __fish_seen_subcommand_from persons faces help" -l rekognition-endpoint-url -d 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and not __fish_seen_subcommand_from persons faces help" -l dynamodb-endpoint-url -d 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and not __fish_seen_subcommand_from persons faces help" -l bucket -d 'S3 bucket for images' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and not __fish_seen_subcommand_from persons faces help" -l prefix -d 'Key prefix for images in the bucket [default: faces/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and not __fish_seen_subcommand_from persons faces help" -l upload-prefix -d 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and not __fish_seen_subcommand_from persons faces help" -l queue -d 'SQS queue the bucket\'s upload notifications go to [default: <bucket>-uploads]' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and not __fish_seen_subcommand_from persons faces help" -l collection -d 'Rekognition collection id [default: facectl]' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and not __fish_seen_subcommand_from persons faces help" -l table -d 'DynamoDB table [default: facectl-faces]' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and not __fish_seen_subcommand_from persons faces help" -l tps -d 'Client-side limit on Rekognition calls per second [default: 5]' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and not __fish_seen_subcommand_from persons faces help" -l hash-key -d 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and not __fish_seen_subcommand_from persons faces help" -l name-attr -d 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and not __fish_seen_subcommand_from persons faces help" -s q -l quiet -d 'Only print results and errors (no progress, no warnings)'
complete -c facectl -n "__fish_facectl_using_subcommand list; and not __fish_seen_subcommand_from persons faces help" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace)'
complete -c facectl -n "__fish_facectl_using_subcommand list; and not __fish_seen_subcommand_from persons faces help" -l no-progress -d 'Never show progress bars (they are hidden anyway when stderr is not a terminal)'
complete -c facectl -n "__fish_facectl_using_subcommand list; and not __fish_seen_subcommand_from persons faces help" -l force-path-style -d 'Path-style S3 addressing (for S3-compatible servers)'
complete -c facectl -n "__fish_facectl_using_subcommand list; and not __fish_seen_subcommand_from persons faces help" -s h -l help -d 'Print help'
complete -c facectl -n "__fish_facectl_using_subcommand list; and not __fish_seen_subcommand_from persons faces help" -f -a "persons" -d 'Enrolled persons with face and image counts'
complete -c facectl -n "__fish_facectl_using_subcommand list; and not __fish_seen_subcommand_from persons faces help" -f -a "faces" -d 'Enrolled faces'
complete -c facectl -n "__fish_facectl_using_subcommand list; and not __fish_seen_subcommand_from persons faces help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from persons" -l backend -d 'Backend to use' -r -f -a "local\t''
aws\t''"
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from persons" -l data-dir -d 'Local backend data folder (images, database, models)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from persons" -l model-dir -d 'Folder with the ONNX face models' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from persons" -l runtime -d 'Runtime of the face models: auto (ONNX Runtime when its library is installed or ORT_DYLIB_PATH names it, else tract), tract, or onnxruntime' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from persons" -l config -d 'Config file (TOML)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from persons" -s o -l output -d 'Output format for results on stdout' -r -f -a "table\t''
json\t''
jsonl\t''
csv\t''"
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from persons" -l profile -d 'AWS profile (else AWS_PROFILE)' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from persons" -l region -d 'AWS region (else AWS_REGION or the profile\'s)' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from persons" -l endpoint-url -d 'Endpoint for every AWS service (S3-compatible or local servers)' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from persons" -l s3-endpoint-url -d 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from persons" -l rekognition-endpoint-url -d 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from persons" -l dynamodb-endpoint-url -d 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from persons" -l bucket -d 'S3 bucket for images' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from persons" -l prefix -d 'Key prefix for images in the bucket [default: faces/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from persons" -l upload-prefix -d 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from persons" -l queue -d 'SQS queue the bucket\'s upload notifications go to [default: <bucket>-uploads]' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from persons" -l collection -d 'Rekognition collection id [default: facectl]' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from persons" -l table -d 'DynamoDB table [default: facectl-faces]' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from persons" -l tps -d 'Client-side limit on Rekognition calls per second [default: 5]' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from persons" -l hash-key -d 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from persons" -l name-attr -d 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from persons" -s q -l quiet -d 'Only print results and errors (no progress, no warnings)'
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from persons" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace)'
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from persons" -l no-progress -d 'Never show progress bars (they are hidden anyway when stderr is not a terminal)'
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from persons" -l force-path-style -d 'Path-style S3 addressing (for S3-compatible servers)'
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from persons" -s h -l help -d 'Print help'
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from faces" -l person-id -d 'Only this person\'s faces (by id)' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from faces" -l backend -d 'Backend to use' -r -f -a "local\t''
aws\t''"
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from faces" -l data-dir -d 'Local backend data folder (images, database, models)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from faces" -l model-dir -d 'Folder with the ONNX face models' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from faces" -l runtime -d 'Runtime of the face models: auto (ONNX Runtime when its library is installed or ORT_DYLIB_PATH names it, else tract), tract, or onnxruntime' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from faces" -l config -d 'Config file (TOML)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from faces" -s o -l output -d 'Output format for results on stdout' -r -f -a "table\t''
json\t''
jsonl\t''
csv\t''"
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from faces" -l profile -d 'AWS profile (else AWS_PROFILE)' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from faces" -l region -d 'AWS region (else AWS_REGION or the profile\'s)' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from faces" -l endpoint-url -d 'Endpoint for every AWS service (S3-compatible or local servers)' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from faces" -l s3-endpoint-url -d 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from faces" -l rekognition-endpoint-url -d 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from faces" -l dynamodb-endpoint-url -d 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from faces" -l bucket -d 'S3 bucket for images' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from faces" -l prefix -d 'Key prefix for images in the bucket [default: faces/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from faces" -l upload-prefix -d 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from faces" -l queue -d 'SQS queue the bucket\'s upload notifications go to [default: <bucket>-uploads]' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from faces" -l collection -d 'Rekognition collection id [default: facectl]' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from faces" -l table -d 'DynamoDB table [default: facectl-faces]' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from faces" -l tps -d 'Client-side limit on Rekognition calls per second [default: 5]' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from faces" -l hash-key -d 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from faces" -l name-attr -d 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)' -r
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from faces" -s q -l quiet -d 'Only print results and errors (no progress, no warnings)'
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from faces" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace)'
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from faces" -l no-progress -d 'Never show progress bars (they are hidden anyway when stderr is not a terminal)'
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from faces" -l force-path-style -d 'Path-style S3 addressing (for S3-compatible servers)'
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from faces" -s h -l help -d 'Print help'
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from help" -f -a "persons" -d 'Enrolled persons with face and image counts'
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from help" -f -a "faces" -d 'Enrolled faces'
complete -c facectl -n "__fish_facectl_using_subcommand list; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c facectl -n "__fish_facectl_using_subcommand status" -l backend -d 'Backend to use' -r -f -a "local\t''
aws\t''"
complete -c facectl -n "__fish_facectl_using_subcommand status" -l data-dir -d 'Local backend data folder (images, database, models)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand status" -l model-dir -d 'Folder with the ONNX face models' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand status" -l runtime -d 'Runtime of the face models: auto (ONNX Runtime when its library is installed or ORT_DYLIB_PATH names it, else tract), tract, or onnxruntime' -r
complete -c facectl -n "__fish_facectl_using_subcommand status" -l config -d 'Config file (TOML)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand status" -s o -l output -d 'Output format for results on stdout' -r -f -a "table\t''
json\t''
jsonl\t''
csv\t''"
complete -c facectl -n "__fish_facectl_using_subcommand status" -l profile -d 'AWS profile (else AWS_PROFILE)' -r
complete -c facectl -n "__fish_facectl_using_subcommand status" -l region -d 'AWS region (else AWS_REGION or the profile\'s)' -r
complete -c facectl -n "__fish_facectl_using_subcommand status" -l endpoint-url -d 'Endpoint for every AWS service (S3-compatible or local servers)' -r
complete -c facectl -n "__fish_facectl_using_subcommand status" -l s3-endpoint-url -d 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)' -r
complete -c facectl -n "__fish_facectl_using_subcommand status" -l rekognition-endpoint-url -d 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)' -r
complete -c facectl -n "__fish_facectl_using_subcommand status" -l dynamodb-endpoint-url -d 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)' -r
complete -c facectl -n "__fish_facectl_using_subcommand status" -l bucket -d 'S3 bucket for images' -r
complete -c facectl -n "__fish_facectl_using_subcommand status" -l prefix -d 'Key prefix for images in the bucket [default: faces/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand status" -l upload-prefix -d 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand status" -l queue -d 'SQS queue the bucket\'s upload notifications go to [default: <bucket>-uploads]' -r
complete -c facectl -n "__fish_facectl_using_subcommand status" -l collection -d 'Rekognition collection id [default: facectl]' -r
complete -c facectl -n "__fish_facectl_using_subcommand status" -l table -d 'DynamoDB table [default: facectl-faces]' -r
complete -c facectl -n "__fish_facectl_using_subcommand status" -l tps -d 'Client-side limit on Rekognition calls per second [default: 5]' -r
complete -c facectl -n "__fish_facectl_using_subcommand status" -l hash-key -d 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)' -r
complete -c facectl -n "__fish_facectl_using_subcommand status" -l name-attr -d 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)' -r
complete -c facectl -n "__fish_facectl_using_subcommand status" -s q -l quiet -d 'Only print results and errors (no progress, no warnings)'
complete -c facectl -n "__fish_facectl_using_subcommand status" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace)'
complete -c facectl -n "__fish_facectl_using_subcommand status" -l no-progress -d 'Never show progress bars (they are hidden anyway when stderr is not a terminal)'
complete -c facectl -n "__fish_facectl_using_subcommand status" -l force-path-style -d 'Path-style S3 addressing (for S3-compatible servers)'
complete -c facectl -n "__fish_facectl_using_subcommand status" -s h -l help -d 'Print help'
complete -c facectl -n "__fish_facectl_using_subcommand doctor" -l backend -d 'Backend to use' -r -f -a "local\t''
aws\t''"
complete -c facectl -n "__fish_facectl_using_subcommand doctor" -l data-dir -d 'Local backend data folder (images, database, models)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand doctor" -l model-dir -d 'Folder with the ONNX face models' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand doctor" -l runtime -d 'Runtime of the face models: auto (ONNX Runtime when its library is installed or ORT_DYLIB_PATH names it, else tract), tract, or onnxruntime' -r
complete -c facectl -n "__fish_facectl_using_subcommand doctor" -l config -d 'Config file (TOML)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand doctor" -s o -l output -d 'Output format for results on stdout' -r -f -a "table\t''
json\t''
jsonl\t''
csv\t''"
complete -c facectl -n "__fish_facectl_using_subcommand doctor" -l profile -d 'AWS profile (else AWS_PROFILE)' -r
complete -c facectl -n "__fish_facectl_using_subcommand doctor" -l region -d 'AWS region (else AWS_REGION or the profile\'s)' -r
complete -c facectl -n "__fish_facectl_using_subcommand doctor" -l endpoint-url -d 'Endpoint for every AWS service (S3-compatible or local servers)' -r
complete -c facectl -n "__fish_facectl_using_subcommand doctor" -l s3-endpoint-url -d 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)' -r
complete -c facectl -n "__fish_facectl_using_subcommand doctor" -l rekognition-endpoint-url -d 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)' -r
complete -c facectl -n "__fish_facectl_using_subcommand doctor" -l dynamodb-endpoint-url -d 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)' -r
complete -c facectl -n "__fish_facectl_using_subcommand doctor" -l bucket -d 'S3 bucket for images' -r
complete -c facectl -n "__fish_facectl_using_subcommand doctor" -l prefix -d 'Key prefix for images in the bucket [default: faces/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand doctor" -l upload-prefix -d 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand doctor" -l queue -d 'SQS queue the bucket\'s upload notifications go to [default: <bucket>-uploads]' -r
complete -c facectl -n "__fish_facectl_using_subcommand doctor" -l collection -d 'Rekognition collection id [default: facectl]' -r
complete -c facectl -n "__fish_facectl_using_subcommand doctor" -l table -d 'DynamoDB table [default: facectl-faces]' -r
complete -c facectl -n "__fish_facectl_using_subcommand doctor" -l tps -d 'Client-side limit on Rekognition calls per second [default: 5]' -r
complete -c facectl -n "__fish_facectl_using_subcommand doctor" -l hash-key -d 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)' -r
complete -c facectl -n "__fish_facectl_using_subcommand doctor" -l name-attr -d 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)' -r
complete -c facectl -n "__fish_facectl_using_subcommand doctor" -l fix -d 'Repair what was found'
complete -c facectl -n "__fish_facectl_using_subcommand doctor" -s q -l quiet -d 'Only print results and errors (no progress, no warnings)'
complete -c facectl -n "__fish_facectl_using_subcommand doctor" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace)'
complete -c facectl -n "__fish_facectl_using_subcommand doctor" -l no-progress -d 'Never show progress bars (they are hidden anyway when stderr is not a terminal)'
complete -c facectl -n "__fish_facectl_using_subcommand doctor" -l force-path-style -d 'Path-style S3 addressing (for S3-compatible servers)'
complete -c facectl -n "__fish_facectl_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c facectl -n "__fish_facectl_using_subcommand models; and not __fish_seen_subcommand_from install check help" -l backend -d 'Backend to use' -r -f -a "local\t''
aws\t''"
complete -c facectl -n "__fish_facectl_using_subcommand models; and not __fish_seen_subcommand_from install check help" -l data-dir -d 'Local backend data folder (images, database, models)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand models; and not __fish_seen_subcommand_from install check help" -l model-dir -d 'Folder with the ONNX face models' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand models; and not __fish_seen_subcommand_from install check help" -l runtime -d 'Runtime of the face models: auto (ONNX Runtime when its library is installed or ORT_DYLIB_PATH names it, else tract), tract, or onnxruntime' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and not __fish_seen_subcommand_from install check help" -l config -d 'Config file (TOML)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand models; and not __fish_seen_subcommand_from install check help" -s o -l output -d 'Output format for results on stdout' -r -f -a "table\t''
json\t''
jsonl\t''
csv\t''"
complete -c facectl -n "__fish_facectl_using_subcommand models; and not __fish_seen_subcommand_from install check help" -l profile -d 'AWS profile (else AWS_PROFILE)' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and not __fish_seen_subcommand_from install check help" -l region -d 'AWS region (else AWS_REGION or the profile\'s)' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and not __fish_seen_subcommand_from install check help" -l endpoint-url -d 'Endpoint for every AWS service (S3-compatible or local servers)' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and not __fish_seen_subcommand_from install check help" -l s3-endpoint-url -d 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and not __fish_seen_subcommand_from install check help" -l rekognition-endpoint-url -d 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and not __fish_seen_subcommand_from install check help" -l dynamodb-endpoint-url -d 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and not __fish_seen_subcommand_from install check help" -l bucket -d 'S3 bucket for images' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and not __fish_seen_subcommand_from install check help" -l prefix -d 'Key prefix for images in the bucket [default: faces/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and not __fish_seen_subcommand_from install check help" -l upload-prefix -d 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and not __fish_seen_subcommand_from install check help" -l queue -d 'SQS queue the bucket\'s upload notifications go to [default: <bucket>-uploads]' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and not __fish_seen_subcommand_from install check help" -l collection -d 'Rekognition collection id [default: facectl]' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and not __fish_seen_subcommand_from install check help" -l table -d 'DynamoDB table [default: facectl-faces]' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and not __fish_seen_subcommand_from install check help" -l tps -d 'Client-side limit on Rekognition calls per second [default: 5]' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and not __fish_seen_subcommand_from install check help" -l hash-key -d 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and not __fish_seen_subcommand_from install check help" -l name-attr -d 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and not __fish_seen_subcommand_from install check help" -s q -l quiet -d 'Only print results and errors (no progress, no warnings)'
complete -c facectl -n "__fish_facectl_using_subcommand models; and not __fish_seen_subcommand_from install check help" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace)'
complete -c facectl -n "__fish_facectl_using_subcommand models; and not __fish_seen_subcommand_from install check help" -l no-progress -d 'Never show progress bars (they are hidden anyway when stderr is not a terminal)'
complete -c facectl -n "__fish_facectl_using_subcommand models; and not __fish_seen_subcommand_from install check help" -l force-path-style -d 'Path-style S3 addressing (for S3-compatible servers)'
complete -c facectl -n "__fish_facectl_using_subcommand models; and not __fish_seen_subcommand_from install check help" -s h -l help -d 'Print help'
complete -c facectl -n "__fish_facectl_using_subcommand models; and not __fish_seen_subcommand_from install check help" -f -a "install" -d 'Download the models from their official URLs (SHA-256 checked) into the model folder'
complete -c facectl -n "__fish_facectl_using_subcommand models; and not __fish_seen_subcommand_from install check help" -f -a "check" -d 'Check the models in the model folder load'
complete -c facectl -n "__fish_facectl_using_subcommand models; and not __fish_seen_subcommand_from install check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from install" -l from -d 'Import from a local file or folder instead of downloading' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from install" -l base-url -d 'Download from this base URL instead of the official ones (mirrors, tests)' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from install" -l backend -d 'Backend to use' -r -f -a "local\t''
aws\t''"
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from install" -l data-dir -d 'Local backend data folder (images, database, models)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from install" -l model-dir -d 'Folder with the ONNX face models' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from install" -l runtime -d 'Runtime of the face models: auto (ONNX Runtime when its library is installed or ORT_DYLIB_PATH names it, else tract), tract, or onnxruntime' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from install" -l config -d 'Config file (TOML)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from install" -s o -l output -d 'Output format for results on stdout' -r -f -a "table\t''
json\t''
jsonl\t''
csv\t''"
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from install" -l profile -d 'AWS profile (else AWS_PROFILE)' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from install" -l region -d 'AWS region (else AWS_REGION or the profile\'s)' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from install" -l endpoint-url -d 'Endpoint for every AWS service (S3-compatible or local servers)' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from install" -l s3-endpoint-url -d 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from install" -l rekognition-endpoint-url -d 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from install" -l dynamodb-endpoint-url -d 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from install" -l bucket -d 'S3 bucket for images' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from install" -l prefix -d 'Key prefix for images in the bucket [default: faces/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from install" -l upload-prefix -d 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from install" -l queue -d 'SQS queue the bucket\'s upload notifications go to [default: <bucket>-uploads]' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from install" -l collection -d 'Rekognition collection id [default: facectl]' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from install" -l table -d 'DynamoDB table [default: facectl-faces]' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from install" -l tps -d 'Client-side limit on Rekognition calls per second [default: 5]' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from install" -l hash-key -d 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from install" -l name-attr -d 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from install" -l onnxruntime -d 'Install the ONNX Runtime library instead (the faster runtime, used when present): the official release archive, or with --from its .tgz or the library file'
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from install" -s q -l quiet -d 'Only print results and errors (no progress, no warnings)'
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from install" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace)'
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from install" -l no-progress -d 'Never show progress bars (they are hidden anyway when stderr is not a terminal)'
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from install" -l force-path-style -d 'Path-style S3 addressing (for S3-compatible servers)'
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from install" -s h -l help -d 'Print help'
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from check" -l backend -d 'Backend to use' -r -f -a "local\t''
aws\t''"
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from check" -l data-dir -d 'Local backend data folder (images, database, models)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from check" -l model-dir -d 'Folder with the ONNX face models' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from check" -l runtime -d 'Runtime of the face models: auto (ONNX Runtime when its library is installed or ORT_DYLIB_PATH names it, else tract), tract, or onnxruntime' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from check" -l config -d 'Config file (TOML)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from check" -s o -l output -d 'Output format for results on stdout' -r -f -a "table\t''
json\t''
jsonl\t''
csv\t''"
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from check" -l profile -d 'AWS profile (else AWS_PROFILE)' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from check" -l region -d 'AWS region (else AWS_REGION or the profile\'s)' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from check" -l endpoint-url -d 'Endpoint for every AWS service (S3-compatible or local servers)' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from check" -l s3-endpoint-url -d 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from check" -l rekognition-endpoint-url -d 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from check" -l dynamodb-endpoint-url -d 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from check" -l bucket -d 'S3 bucket for images' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from check" -l prefix -d 'Key prefix for images in the bucket [default: faces/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from check" -l upload-prefix -d 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from check" -l queue -d 'SQS queue the bucket\'s upload notifications go to [default: <bucket>-uploads]' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from check" -l collection -d 'Rekognition collection id [default: facectl]' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from check" -l table -d 'DynamoDB table [default: facectl-faces]' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from check" -l tps -d 'Client-side limit on Rekognition calls per second [default: 5]' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from check" -l hash-key -d 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from check" -l name-attr -d 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)' -r
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Only print results and errors (no progress, no warnings)'
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from check" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace)'
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from check" -l no-progress -d 'Never show progress bars (they are hidden anyway when stderr is not a terminal)'
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from check" -l force-path-style -d 'Path-style S3 addressing (for S3-compatible servers)'
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "install" -d 'Download the models from their official URLs (SHA-256 checked) into the model folder'
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "check" -d 'Check the models in the model folder load'
complete -c facectl -n "__fish_facectl_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c facectl -n "__fish_facectl_using_subcommand serve" -l listen -d 'Address to listen on (loopback by default; port 0 picks a free port)' -r
complete -c facectl -n "__fish_facectl_using_subcommand serve" -l latency-ms -d 'Delay added to every request, in milliseconds (for tests and benchmarks)' -r
complete -c facectl -n "__fish_facectl_using_subcommand serve" -l account -d 'Account id in collection ARNs' -r
complete -c facectl -n "__fish_facectl_using_subcommand serve" -l workers -d 'Concurrent face-engine computations [default: number of CPUs]' -r
complete -c facectl -n "__fish_facectl_using_subcommand serve" -l token -d 'Access token for the web console and the REST API (also FACECTL_SERVE_TOKEN). Required beyond loopback: when `--listen` is not a loopback address and none is given, one is generated and printed once' -r
complete -c facectl -n "__fish_facectl_using_subcommand serve" -l backend -d 'Backend to use' -r -f -a "local\t''
aws\t''"
complete -c facectl -n "__fish_facectl_using_subcommand serve" -l data-dir -d 'Local backend data folder (images, database, models)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand serve" -l model-dir -d 'Folder with the ONNX face models' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand serve" -l runtime -d 'Runtime of the face models: auto (ONNX Runtime when its library is installed or ORT_DYLIB_PATH names it, else tract), tract, or onnxruntime' -r
complete -c facectl -n "__fish_facectl_using_subcommand serve" -l config -d 'Config file (TOML)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand serve" -s o -l output -d 'Output format for results on stdout' -r -f -a "table\t''
json\t''
jsonl\t''
csv\t''"
complete -c facectl -n "__fish_facectl_using_subcommand serve" -l profile -d 'AWS profile (else AWS_PROFILE)' -r
complete -c facectl -n "__fish_facectl_using_subcommand serve" -l region -d 'AWS region (else AWS_REGION or the profile\'s)' -r
complete -c facectl -n "__fish_facectl_using_subcommand serve" -l endpoint-url -d 'Endpoint for every AWS service (S3-compatible or local servers)' -r
complete -c facectl -n "__fish_facectl_using_subcommand serve" -l s3-endpoint-url -d 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)' -r
complete -c facectl -n "__fish_facectl_using_subcommand serve" -l rekognition-endpoint-url -d 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)' -r
complete -c facectl -n "__fish_facectl_using_subcommand serve" -l dynamodb-endpoint-url -d 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)' -r
complete -c facectl -n "__fish_facectl_using_subcommand serve" -l bucket -d 'S3 bucket for images' -r
complete -c facectl -n "__fish_facectl_using_subcommand serve" -l prefix -d 'Key prefix for images in the bucket [default: faces/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand serve" -l upload-prefix -d 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand serve" -l queue -d 'SQS queue the bucket\'s upload notifications go to [default: <bucket>-uploads]' -r
complete -c facectl -n "__fish_facectl_using_subcommand serve" -l collection -d 'Rekognition collection id [default: facectl]' -r
complete -c facectl -n "__fish_facectl_using_subcommand serve" -l table -d 'DynamoDB table [default: facectl-faces]' -r
complete -c facectl -n "__fish_facectl_using_subcommand serve" -l tps -d 'Client-side limit on Rekognition calls per second [default: 5]' -r
complete -c facectl -n "__fish_facectl_using_subcommand serve" -l hash-key -d 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)' -r
complete -c facectl -n "__fish_facectl_using_subcommand serve" -l name-attr -d 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)' -r
complete -c facectl -n "__fish_facectl_using_subcommand serve" -l in-memory -d 'Keep collections in memory only (nothing written to the data dir; the console\'s local data goes to a temporary folder removed at exit)'
complete -c facectl -n "__fish_facectl_using_subcommand serve" -l require-signature -d 'Verify SigV4 signatures with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (else any signature, or none, is accepted)'
complete -c facectl -n "__fish_facectl_using_subcommand serve" -l allow-unsigned-payload -d 'With --require-signature, also accept `X-Amz-Content-SHA256: UNSIGNED-PAYLOAD` (a request body the signature does not cover). Off by default'
complete -c facectl -n "__fish_facectl_using_subcommand serve" -l no-web -d 'Serve only the Rekognition-compatible endpoint (no web console, no REST API)'
complete -c facectl -n "__fish_facectl_using_subcommand serve" -s q -l quiet -d 'Only print results and errors (no progress, no warnings)'
complete -c facectl -n "__fish_facectl_using_subcommand serve" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace)'
complete -c facectl -n "__fish_facectl_using_subcommand serve" -l no-progress -d 'Never show progress bars (they are hidden anyway when stderr is not a terminal)'
complete -c facectl -n "__fish_facectl_using_subcommand serve" -l force-path-style -d 'Path-style S3 addressing (for S3-compatible servers)'
complete -c facectl -n "__fish_facectl_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c facectl -n "__fish_facectl_using_subcommand lambda" -s j -l jobs -d 'Photos processed at once within one invocation (default 2, or `jobs` in the config file)' -r
complete -c facectl -n "__fish_facectl_using_subcommand lambda" -l multiple -d 'When a photo shows several faces of similar size' -r -f -a "largest\t'Index the largest face'
skip\t'Index nothing and report the photo as `multiple_faces`'"
complete -c facectl -n "__fish_facectl_using_subcommand lambda" -l quality-filter -d 'Quality gate before indexing (as Rekognition\'s QualityFilter)' -r -f -a "none\t''
auto\t''
low\t''
medium\t''
high\t''"
complete -c facectl -n "__fish_facectl_using_subcommand lambda" -l backend -d 'Backend to use' -r -f -a "local\t''
aws\t''"
complete -c facectl -n "__fish_facectl_using_subcommand lambda" -l data-dir -d 'Local backend data folder (images, database, models)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand lambda" -l model-dir -d 'Folder with the ONNX face models' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand lambda" -l runtime -d 'Runtime of the face models: auto (ONNX Runtime when its library is installed or ORT_DYLIB_PATH names it, else tract), tract, or onnxruntime' -r
complete -c facectl -n "__fish_facectl_using_subcommand lambda" -l config -d 'Config file (TOML)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand lambda" -s o -l output -d 'Output format for results on stdout' -r -f -a "table\t''
json\t''
jsonl\t''
csv\t''"
complete -c facectl -n "__fish_facectl_using_subcommand lambda" -l profile -d 'AWS profile (else AWS_PROFILE)' -r
complete -c facectl -n "__fish_facectl_using_subcommand lambda" -l region -d 'AWS region (else AWS_REGION or the profile\'s)' -r
complete -c facectl -n "__fish_facectl_using_subcommand lambda" -l endpoint-url -d 'Endpoint for every AWS service (S3-compatible or local servers)' -r
complete -c facectl -n "__fish_facectl_using_subcommand lambda" -l s3-endpoint-url -d 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)' -r
complete -c facectl -n "__fish_facectl_using_subcommand lambda" -l rekognition-endpoint-url -d 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)' -r
complete -c facectl -n "__fish_facectl_using_subcommand lambda" -l dynamodb-endpoint-url -d 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)' -r
complete -c facectl -n "__fish_facectl_using_subcommand lambda" -l bucket -d 'S3 bucket for images' -r
complete -c facectl -n "__fish_facectl_using_subcommand lambda" -l prefix -d 'Key prefix for images in the bucket [default: faces/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand lambda" -l upload-prefix -d 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand lambda" -l queue -d 'SQS queue the bucket\'s upload notifications go to [default: <bucket>-uploads]' -r
complete -c facectl -n "__fish_facectl_using_subcommand lambda" -l collection -d 'Rekognition collection id [default: facectl]' -r
complete -c facectl -n "__fish_facectl_using_subcommand lambda" -l table -d 'DynamoDB table [default: facectl-faces]' -r
complete -c facectl -n "__fish_facectl_using_subcommand lambda" -l tps -d 'Client-side limit on Rekognition calls per second [default: 5]' -r
complete -c facectl -n "__fish_facectl_using_subcommand lambda" -l hash-key -d 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)' -r
complete -c facectl -n "__fish_facectl_using_subcommand lambda" -l name-attr -d 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)' -r
complete -c facectl -n "__fish_facectl_using_subcommand lambda" -l all-faces -d 'Index every face in the photo (up to 100) instead of the largest'
complete -c facectl -n "__fish_facectl_using_subcommand lambda" -s q -l quiet -d 'Only print results and errors (no progress, no warnings)'
complete -c facectl -n "__fish_facectl_using_subcommand lambda" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace)'
complete -c facectl -n "__fish_facectl_using_subcommand lambda" -l no-progress -d 'Never show progress bars (they are hidden anyway when stderr is not a terminal)'
complete -c facectl -n "__fish_facectl_using_subcommand lambda" -l force-path-style -d 'Path-style S3 addressing (for S3-compatible servers)'
complete -c facectl -n "__fish_facectl_using_subcommand lambda" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c facectl -n "__fish_facectl_using_subcommand completions" -l backend -d 'Backend to use' -r -f -a "local\t''
aws\t''"
complete -c facectl -n "__fish_facectl_using_subcommand completions" -l data-dir -d 'Local backend data folder (images, database, models)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand completions" -l model-dir -d 'Folder with the ONNX face models' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand completions" -l runtime -d 'Runtime of the face models: auto (ONNX Runtime when its library is installed or ORT_DYLIB_PATH names it, else tract), tract, or onnxruntime' -r
complete -c facectl -n "__fish_facectl_using_subcommand completions" -l config -d 'Config file (TOML)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand completions" -s o -l output -d 'Output format for results on stdout' -r -f -a "table\t''
json\t''
jsonl\t''
csv\t''"
complete -c facectl -n "__fish_facectl_using_subcommand completions" -l profile -d 'AWS profile (else AWS_PROFILE)' -r
complete -c facectl -n "__fish_facectl_using_subcommand completions" -l region -d 'AWS region (else AWS_REGION or the profile\'s)' -r
complete -c facectl -n "__fish_facectl_using_subcommand completions" -l endpoint-url -d 'Endpoint for every AWS service (S3-compatible or local servers)' -r
complete -c facectl -n "__fish_facectl_using_subcommand completions" -l s3-endpoint-url -d 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)' -r
complete -c facectl -n "__fish_facectl_using_subcommand completions" -l rekognition-endpoint-url -d 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)' -r
complete -c facectl -n "__fish_facectl_using_subcommand completions" -l dynamodb-endpoint-url -d 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)' -r
complete -c facectl -n "__fish_facectl_using_subcommand completions" -l bucket -d 'S3 bucket for images' -r
complete -c facectl -n "__fish_facectl_using_subcommand completions" -l prefix -d 'Key prefix for images in the bucket [default: faces/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand completions" -l upload-prefix -d 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand completions" -l queue -d 'SQS queue the bucket\'s upload notifications go to [default: <bucket>-uploads]' -r
complete -c facectl -n "__fish_facectl_using_subcommand completions" -l collection -d 'Rekognition collection id [default: facectl]' -r
complete -c facectl -n "__fish_facectl_using_subcommand completions" -l table -d 'DynamoDB table [default: facectl-faces]' -r
complete -c facectl -n "__fish_facectl_using_subcommand completions" -l tps -d 'Client-side limit on Rekognition calls per second [default: 5]' -r
complete -c facectl -n "__fish_facectl_using_subcommand completions" -l hash-key -d 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)' -r
complete -c facectl -n "__fish_facectl_using_subcommand completions" -l name-attr -d 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)' -r
complete -c facectl -n "__fish_facectl_using_subcommand completions" -s q -l quiet -d 'Only print results and errors (no progress, no warnings)'
complete -c facectl -n "__fish_facectl_using_subcommand completions" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace)'
complete -c facectl -n "__fish_facectl_using_subcommand completions" -l no-progress -d 'Never show progress bars (they are hidden anyway when stderr is not a terminal)'
complete -c facectl -n "__fish_facectl_using_subcommand completions" -l force-path-style -d 'Path-style S3 addressing (for S3-compatible servers)'
complete -c facectl -n "__fish_facectl_using_subcommand completions" -s h -l help -d 'Print help'
complete -c facectl -n "__fish_facectl_using_subcommand manpage" -l backend -d 'Backend to use' -r -f -a "local\t''
aws\t''"
complete -c facectl -n "__fish_facectl_using_subcommand manpage" -l data-dir -d 'Local backend data folder (images, database, models)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand manpage" -l model-dir -d 'Folder with the ONNX face models' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand manpage" -l runtime -d 'Runtime of the face models: auto (ONNX Runtime when its library is installed or ORT_DYLIB_PATH names it, else tract), tract, or onnxruntime' -r
complete -c facectl -n "__fish_facectl_using_subcommand manpage" -l config -d 'Config file (TOML)' -r -F
complete -c facectl -n "__fish_facectl_using_subcommand manpage" -s o -l output -d 'Output format for results on stdout' -r -f -a "table\t''
json\t''
jsonl\t''
csv\t''"
complete -c facectl -n "__fish_facectl_using_subcommand manpage" -l profile -d 'AWS profile (else AWS_PROFILE)' -r
complete -c facectl -n "__fish_facectl_using_subcommand manpage" -l region -d 'AWS region (else AWS_REGION or the profile\'s)' -r
complete -c facectl -n "__fish_facectl_using_subcommand manpage" -l endpoint-url -d 'Endpoint for every AWS service (S3-compatible or local servers)' -r
complete -c facectl -n "__fish_facectl_using_subcommand manpage" -l s3-endpoint-url -d 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)' -r
complete -c facectl -n "__fish_facectl_using_subcommand manpage" -l rekognition-endpoint-url -d 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)' -r
complete -c facectl -n "__fish_facectl_using_subcommand manpage" -l dynamodb-endpoint-url -d 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)' -r
complete -c facectl -n "__fish_facectl_using_subcommand manpage" -l bucket -d 'S3 bucket for images' -r
complete -c facectl -n "__fish_facectl_using_subcommand manpage" -l prefix -d 'Key prefix for images in the bucket [default: faces/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand manpage" -l upload-prefix -d 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]' -r
complete -c facectl -n "__fish_facectl_using_subcommand manpage" -l queue -d 'SQS queue the bucket\'s upload notifications go to [default: <bucket>-uploads]' -r
complete -c facectl -n "__fish_facectl_using_subcommand manpage" -l collection -d 'Rekognition collection id [default: facectl]' -r
complete -c facectl -n "__fish_facectl_using_subcommand manpage" -l table -d 'DynamoDB table [default: facectl-faces]' -r
complete -c facectl -n "__fish_facectl_using_subcommand manpage" -l tps -d 'Client-side limit on Rekognition calls per second [default: 5]' -r
complete -c facectl -n "__fish_facectl_using_subcommand manpage" -l hash-key -d 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)' -r
complete -c facectl -n "__fish_facectl_using_subcommand manpage" -l name-attr -d 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)' -r
complete -c facectl -n "__fish_facectl_using_subcommand manpage" -s q -l quiet -d 'Only print results and errors (no progress, no warnings)'
complete -c facectl -n "__fish_facectl_using_subcommand manpage" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace)'
complete -c facectl -n "__fish_facectl_using_subcommand manpage" -l no-progress -d 'Never show progress bars (they are hidden anyway when stderr is not a terminal)'
complete -c facectl -n "__fish_facectl_using_subcommand manpage" -l force-path-style -d 'Path-style S3 addressing (for S3-compatible servers)'
complete -c facectl -n "__fish_facectl_using_subcommand manpage" -s h -l help -d 'Print help'
complete -c facectl -n "__fish_facectl_using_subcommand help; and not __fish_seen_subcommand_from provision enroll bulk-import watch search verify compare delete list status doctor models serve lambda completions manpage help" -f -a "provision" -d 'Create the image store, face collection and person table (idempotent)'
complete -c facectl -n "__fish_facectl_using_subcommand help; and not __fish_seen_subcommand_from provision enroll bulk-import watch search verify compare delete list status doctor models serve lambda completions manpage help" -f -a "enroll" -d 'Index a person\'s face from one or more photos'
complete -c facectl -n "__fish_facectl_using_subcommand help; and not __fish_seen_subcommand_from provision enroll bulk-import watch search verify compare delete list status doctor models serve lambda completions manpage help" -f -a "bulk-import" -d 'Import a folder of photos; persons from folder names, file names or a CSV'
complete -c facectl -n "__fish_facectl_using_subcommand help; and not __fish_seen_subcommand_from provision enroll bulk-import watch search verify compare delete list status doctor models serve lambda completions manpage help" -f -a "watch" -d 'Import photos as they land in a folder (new and changed files, once each)'
complete -c facectl -n "__fish_facectl_using_subcommand help; and not __fish_seen_subcommand_from provision enroll bulk-import watch search verify compare delete list status doctor models serve lambda completions manpage help" -f -a "search" -d 'Find who is in a photo'
complete -c facectl -n "__fish_facectl_using_subcommand help; and not __fish_seen_subcommand_from provision enroll bulk-import watch search verify compare delete list status doctor models serve lambda completions manpage help" -f -a "verify" -d 'Check whether a photo shows a given enrolled person (1:1)'
complete -c facectl -n "__fish_facectl_using_subcommand help; and not __fish_seen_subcommand_from provision enroll bulk-import watch search verify compare delete list status doctor models serve lambda completions manpage help" -f -a "compare" -d 'Check whether two photos show the same person'
complete -c facectl -n "__fish_facectl_using_subcommand help; and not __fish_seen_subcommand_from provision enroll bulk-import watch search verify compare delete list status doctor models serve lambda completions manpage help" -f -a "delete" -d 'Forget a person, a face or an image everywhere (collection, table, image store)'
complete -c facectl -n "__fish_facectl_using_subcommand help; and not __fish_seen_subcommand_from provision enroll bulk-import watch search verify compare delete list status doctor models serve lambda completions manpage help" -f -a "list" -d 'List enrolled persons or faces'
complete -c facectl -n "__fish_facectl_using_subcommand help; and not __fish_seen_subcommand_from provision enroll bulk-import watch search verify compare delete list status doctor models serve lambda completions manpage help" -f -a "status" -d 'Show counts, locations, model and sizes'
complete -c facectl -n "__fish_facectl_using_subcommand help; and not __fish_seen_subcommand_from provision enroll bulk-import watch search verify compare delete list status doctor models serve lambda completions manpage help" -f -a "doctor" -d 'Find and repair disagreements between collection, table and image store'
complete -c facectl -n "__fish_facectl_using_subcommand help; and not __fish_seen_subcommand_from provision enroll bulk-import watch search verify compare delete list status doctor models serve lambda completions manpage help" -f -a "models" -d 'Install or check the face models'
complete -c facectl -n "__fish_facectl_using_subcommand help; and not __fish_seen_subcommand_from provision enroll bulk-import watch search verify compare delete list status doctor models serve lambda completions manpage help" -f -a "serve" -d 'Run a local Rekognition-compatible endpoint (AWS JSON 1.1) over the offline engine'
complete -c facectl -n "__fish_facectl_using_subcommand help; and not __fish_seen_subcommand_from provision enroll bulk-import watch search verify compare delete list status doctor models serve lambda completions manpage help" -f -a "lambda" -d 'Run as an AWS Lambda function that indexes uploads (S3 notifications, or batches of the upload queue); started by the Lambda runtime, or by a binary named `bootstrap`'
complete -c facectl -n "__fish_facectl_using_subcommand help; and not __fish_seen_subcommand_from provision enroll bulk-import watch search verify compare delete list status doctor models serve lambda completions manpage help" -f -a "completions" -d 'Print shell completions'
complete -c facectl -n "__fish_facectl_using_subcommand help; and not __fish_seen_subcommand_from provision enroll bulk-import watch search verify compare delete list status doctor models serve lambda completions manpage help" -f -a "manpage" -d 'Print the man page (roff)'
complete -c facectl -n "__fish_facectl_using_subcommand help; and not __fish_seen_subcommand_from provision enroll bulk-import watch search verify compare delete list status doctor models serve lambda completions manpage help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c facectl -n "__fish_facectl_using_subcommand help; and __fish_seen_subcommand_from list" -f -a "persons" -d 'Enrolled persons with face and image counts'
complete -c facectl -n "__fish_facectl_using_subcommand help; and __fish_seen_subcommand_from list" -f -a "faces" -d 'Enrolled faces'
complete -c facectl -n "__fish_facectl_using_subcommand help; and __fish_seen_subcommand_from models" -f -a "install" -d 'Download the models from their official URLs (SHA-256 checked) into the model folder'
complete -c facectl -n "__fish_facectl_using_subcommand help; and __fish_seen_subcommand_from models" -f -a "check" -d 'Check the models in the model folder load'
