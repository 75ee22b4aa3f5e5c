
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'facectl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'facectl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'facectl' {
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Backend to use')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Local backend data folder (images, database, models)')
            [CompletionResult]::new('--model-dir', '--model-dir', [CompletionResultType]::ParameterName, 'Folder with the ONNX face models')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile (else AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (else AWS_REGION or the profile''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for every AWS service (S3-compatible or local servers)')
            [CompletionResult]::new('--s3-endpoint-url', '--s3-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)')
            [CompletionResult]::new('--rekognition-endpoint-url', '--rekognition-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)')
            [CompletionResult]::new('--dynamodb-endpoint-url', '--dynamodb-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)')
            [CompletionResult]::new('--bucket', '--bucket', [CompletionResultType]::ParameterName, 'S3 bucket for images')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix for images in the bucket [default: faces/]')
            [CompletionResult]::new('--upload-prefix', '--upload-prefix', [CompletionResultType]::ParameterName, 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'SQS queue the bucket''s upload notifications go to [default: <bucket>-uploads]')
            [CompletionResult]::new('--collection', '--collection', [CompletionResultType]::ParameterName, 'Rekognition collection id [default: facectl]')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'DynamoDB table [default: facectl-faces]')
            [CompletionResult]::new('--tps', '--tps', [CompletionResultType]::ParameterName, 'Client-side limit on Rekognition calls per second [default: 5]')
            [CompletionResult]::new('--hash-key', '--hash-key', [CompletionResultType]::ParameterName, 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)')
            [CompletionResult]::new('--name-attr', '--name-attr', [CompletionResultType]::ParameterName, 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never show progress bars (they are hidden anyway when stderr is not a terminal)')
            [CompletionResult]::new('--force-path-style', '--force-path-style', [CompletionResultType]::ParameterName, 'Path-style S3 addressing (for S3-compatible servers)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('provision', 'provision', [CompletionResultType]::ParameterValue, 'Create the image store, face collection and person table (idempotent)')
            [CompletionResult]::new('enroll', 'enroll', [CompletionResultType]::ParameterValue, 'Index a person''s face from one or more photos')
            [CompletionResult]::new('bulk-import', 'bulk-import', [CompletionResultType]::ParameterValue, 'Import a folder of photos; persons from folder names, file names or a CSV')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Import photos as they land in a folder (new and changed files, once each)')
            [CompletionResult]::new('search', 'search', [CompletionResultType]::ParameterValue, 'Find who is in a photo')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check whether a photo shows a given enrolled person (1:1)')
            [CompletionResult]::new('compare', 'compare', [CompletionResultType]::ParameterValue, 'Check whether two photos show the same person')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Forget a person, a face or an image everywhere (collection, table, image store)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List enrolled persons or faces')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show counts, locations, model and sizes')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Find and repair disagreements between collection, table and image store')
            [CompletionResult]::new('models', 'models', [CompletionResultType]::ParameterValue, 'Install or check the face models')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run a local Rekognition-compatible endpoint (AWS JSON 1.1) over the offline engine')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('manpage', 'manpage', [CompletionResultType]::ParameterValue, 'Print the man page (roff)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'facectl;provision' {
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'AWS account id to put in the policy''s ARNs (else `*`)')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Backend to use')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Local backend data folder (images, database, models)')
            [CompletionResult]::new('--model-dir', '--model-dir', [CompletionResultType]::ParameterName, 'Folder with the ONNX face models')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile (else AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (else AWS_REGION or the profile''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for every AWS service (S3-compatible or local servers)')
            [CompletionResult]::new('--s3-endpoint-url', '--s3-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)')
            [CompletionResult]::new('--rekognition-endpoint-url', '--rekognition-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)')
            [CompletionResult]::new('--dynamodb-endpoint-url', '--dynamodb-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)')
            [CompletionResult]::new('--bucket', '--bucket', [CompletionResultType]::ParameterName, 'S3 bucket for images')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix for images in the bucket [default: faces/]')
            [CompletionResult]::new('--upload-prefix', '--upload-prefix', [CompletionResultType]::ParameterName, 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'SQS queue the bucket''s upload notifications go to [default: <bucket>-uploads]')
            [CompletionResult]::new('--collection', '--collection', [CompletionResultType]::ParameterName, 'Rekognition collection id [default: facectl]')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'DynamoDB table [default: facectl-faces]')
            [CompletionResult]::new('--tps', '--tps', [CompletionResultType]::ParameterName, 'Client-side limit on Rekognition calls per second [default: 5]')
            [CompletionResult]::new('--hash-key', '--hash-key', [CompletionResultType]::ParameterName, 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)')
            [CompletionResult]::new('--name-attr', '--name-attr', [CompletionResultType]::ParameterName, 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be created without creating anything')
            [CompletionResult]::new('--print-iam-policy', '--print-iam-policy', [CompletionResultType]::ParameterName, 'Print the least-privilege IAM policy (JSON) the aws backend needs for the configured bucket, collection and table, and exit')
            [CompletionResult]::new('--trigger', '--trigger', [CompletionResultType]::ParameterName, 'aws backend: also the upload trigger, an SQS queue (with a dead-letter queue) that the bucket''s notifications for new objects under --upload-prefix go to, for `watch`; with --print-iam-policy, add the statements it needs')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never show progress bars (they are hidden anyway when stderr is not a terminal)')
            [CompletionResult]::new('--force-path-style', '--force-path-style', [CompletionResultType]::ParameterName, 'Path-style S3 addressing (for S3-compatible servers)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'facectl;enroll' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Person''s display name (the person is created if new)')
            [CompletionResult]::new('--person-id', '--person-id', [CompletionResultType]::ParameterName, 'Existing person id (or a new id, together with --name)')
            [CompletionResult]::new('--first-name', '--first-name', [CompletionResultType]::ParameterName, 'first-name')
            [CompletionResult]::new('--last-name', '--last-name', [CompletionResultType]::ParameterName, 'last-name')
            [CompletionResult]::new('--meta', '--meta', [CompletionResultType]::ParameterName, 'Extra metadata, repeatable: --meta team=red --meta badge=42')
            [CompletionResult]::new('--quality-filter', '--quality-filter', [CompletionResultType]::ParameterName, 'Quality gate before indexing (as Rekognition''s QualityFilter)')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Backend to use')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Local backend data folder (images, database, models)')
            [CompletionResult]::new('--model-dir', '--model-dir', [CompletionResultType]::ParameterName, 'Folder with the ONNX face models')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile (else AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (else AWS_REGION or the profile''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for every AWS service (S3-compatible or local servers)')
            [CompletionResult]::new('--s3-endpoint-url', '--s3-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)')
            [CompletionResult]::new('--rekognition-endpoint-url', '--rekognition-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)')
            [CompletionResult]::new('--dynamodb-endpoint-url', '--dynamodb-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)')
            [CompletionResult]::new('--bucket', '--bucket', [CompletionResultType]::ParameterName, 'S3 bucket for images')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix for images in the bucket [default: faces/]')
            [CompletionResult]::new('--upload-prefix', '--upload-prefix', [CompletionResultType]::ParameterName, 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'SQS queue the bucket''s upload notifications go to [default: <bucket>-uploads]')
            [CompletionResult]::new('--collection', '--collection', [CompletionResultType]::ParameterName, 'Rekognition collection id [default: facectl]')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'DynamoDB table [default: facectl-faces]')
            [CompletionResult]::new('--tps', '--tps', [CompletionResultType]::ParameterName, 'Client-side limit on Rekognition calls per second [default: 5]')
            [CompletionResult]::new('--hash-key', '--hash-key', [CompletionResultType]::ParameterName, 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)')
            [CompletionResult]::new('--name-attr', '--name-attr', [CompletionResultType]::ParameterName, 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)')
            [CompletionResult]::new('--all-faces', '--all-faces', [CompletionResultType]::ParameterName, 'Index every face in the photo (up to 100) instead of the largest')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never show progress bars (they are hidden anyway when stderr is not a terminal)')
            [CompletionResult]::new('--force-path-style', '--force-path-style', [CompletionResultType]::ParameterName, 'Path-style S3 addressing (for S3-compatible servers)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'facectl;bulk-import' {
            [CompletionResult]::new('--name-from', '--name-from', [CompletionResultType]::ParameterName, 'How persons are named (ignored with --mapping)')
            [CompletionResult]::new('--mapping', '--mapping', [CompletionResultType]::ParameterName, 'CSV mapping `file,name[,first_name,last_name,person_id,<meta>...]` (header optional)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Files processed at once (default 2, or `jobs` in the config file)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Files processed at once (default 2, or `jobs` in the config file)')
            [CompletionResult]::new('--multiple', '--multiple', [CompletionResultType]::ParameterName, 'When a photo shows several faces of similar size')
            [CompletionResult]::new('--quality-filter', '--quality-filter', [CompletionResultType]::ParameterName, 'Quality gate before indexing (as Rekognition''s QualityFilter)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Stop after this many files')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Write the per-file outcomes as JSON to this file')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Backend to use')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Local backend data folder (images, database, models)')
            [CompletionResult]::new('--model-dir', '--model-dir', [CompletionResultType]::ParameterName, 'Folder with the ONNX face models')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile (else AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (else AWS_REGION or the profile''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for every AWS service (S3-compatible or local servers)')
            [CompletionResult]::new('--s3-endpoint-url', '--s3-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)')
            [CompletionResult]::new('--rekognition-endpoint-url', '--rekognition-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)')
            [CompletionResult]::new('--dynamodb-endpoint-url', '--dynamodb-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)')
            [CompletionResult]::new('--bucket', '--bucket', [CompletionResultType]::ParameterName, 'S3 bucket for images')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix for images in the bucket [default: faces/]')
            [CompletionResult]::new('--upload-prefix', '--upload-prefix', [CompletionResultType]::ParameterName, 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'SQS queue the bucket''s upload notifications go to [default: <bucket>-uploads]')
            [CompletionResult]::new('--collection', '--collection', [CompletionResultType]::ParameterName, 'Rekognition collection id [default: facectl]')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'DynamoDB table [default: facectl-faces]')
            [CompletionResult]::new('--tps', '--tps', [CompletionResultType]::ParameterName, 'Client-side limit on Rekognition calls per second [default: 5]')
            [CompletionResult]::new('--hash-key', '--hash-key', [CompletionResultType]::ParameterName, 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)')
            [CompletionResult]::new('--name-attr', '--name-attr', [CompletionResultType]::ParameterName, 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)')
            [CompletionResult]::new('--all-faces', '--all-faces', [CompletionResultType]::ParameterName, 'Index every face in the photo (up to 100) instead of the largest')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never show progress bars (they are hidden anyway when stderr is not a terminal)')
            [CompletionResult]::new('--force-path-style', '--force-path-style', [CompletionResultType]::ParameterName, 'Path-style S3 addressing (for S3-compatible servers)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'facectl;watch' {
            [CompletionResult]::new('--name-from', '--name-from', [CompletionResultType]::ParameterName, 'How persons are named (ignored with --mapping)')
            [CompletionResult]::new('--mapping', '--mapping', [CompletionResultType]::ParameterName, 'CSV mapping `file,name[,first_name,last_name,person_id,<meta>...]` (header optional)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Files processed at once (default 2, or `jobs` in the config file)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Files processed at once (default 2, or `jobs` in the config file)')
            [CompletionResult]::new('--multiple', '--multiple', [CompletionResultType]::ParameterName, 'When a photo shows several faces of similar size')
            [CompletionResult]::new('--quality-filter', '--quality-filter', [CompletionResultType]::ParameterName, 'Quality gate before indexing (as Rekognition''s QualityFilter)')
            [CompletionResult]::new('--settle', '--settle', [CompletionResultType]::ParameterName, 'Seconds a file must stay unchanged (size and time) before it is imported')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Longest pause between two walks of the folder, seconds (file-system events start one sooner; with --poll this is the polling period)')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Backend to use')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Local backend data folder (images, database, models)')
            [CompletionResult]::new('--model-dir', '--model-dir', [CompletionResultType]::ParameterName, 'Folder with the ONNX face models')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile (else AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (else AWS_REGION or the profile''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for every AWS service (S3-compatible or local servers)')
            [CompletionResult]::new('--s3-endpoint-url', '--s3-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)')
            [CompletionResult]::new('--rekognition-endpoint-url', '--rekognition-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)')
            [CompletionResult]::new('--dynamodb-endpoint-url', '--dynamodb-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)')
            [CompletionResult]::new('--bucket', '--bucket', [CompletionResultType]::ParameterName, 'S3 bucket for images')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix for images in the bucket [default: faces/]')
            [CompletionResult]::new('--upload-prefix', '--upload-prefix', [CompletionResultType]::ParameterName, 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'SQS queue the bucket''s upload notifications go to [default: <bucket>-uploads]')
            [CompletionResult]::new('--collection', '--collection', [CompletionResultType]::ParameterName, 'Rekognition collection id [default: facectl]')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'DynamoDB table [default: facectl-faces]')
            [CompletionResult]::new('--tps', '--tps', [CompletionResultType]::ParameterName, 'Client-side limit on Rekognition calls per second [default: 5]')
            [CompletionResult]::new('--hash-key', '--hash-key', [CompletionResultType]::ParameterName, 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)')
            [CompletionResult]::new('--name-attr', '--name-attr', [CompletionResultType]::ParameterName, 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)')
            [CompletionResult]::new('--all-faces', '--all-faces', [CompletionResultType]::ParameterName, 'Index every face in the photo (up to 100) instead of the largest')
            [CompletionResult]::new('--poll', '--poll', [CompletionResultType]::ParameterName, 'Do not use file-system events, only walk the folder every --interval (network drives)')
            [CompletionResult]::new('--once', '--once', [CompletionResultType]::ParameterName, 'Import what is in the folder (or on the upload queue) now (waiting for files still being written), then exit')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never show progress bars (they are hidden anyway when stderr is not a terminal)')
            [CompletionResult]::new('--force-path-style', '--force-path-style', [CompletionResultType]::ParameterName, 'Path-style S3 addressing (for S3-compatible servers)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'facectl;search' {
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'Minimum similarity 0-100 (default 80: a confident match; see the README, "Similarity")')
            [CompletionResult]::new('--max-matches', '--max-matches', [CompletionResultType]::ParameterName, 'Persons per face (each with their best face), best first')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Backend to use')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Local backend data folder (images, database, models)')
            [CompletionResult]::new('--model-dir', '--model-dir', [CompletionResultType]::ParameterName, 'Folder with the ONNX face models')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile (else AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (else AWS_REGION or the profile''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for every AWS service (S3-compatible or local servers)')
            [CompletionResult]::new('--s3-endpoint-url', '--s3-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)')
            [CompletionResult]::new('--rekognition-endpoint-url', '--rekognition-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)')
            [CompletionResult]::new('--dynamodb-endpoint-url', '--dynamodb-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)')
            [CompletionResult]::new('--bucket', '--bucket', [CompletionResultType]::ParameterName, 'S3 bucket for images')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix for images in the bucket [default: faces/]')
            [CompletionResult]::new('--upload-prefix', '--upload-prefix', [CompletionResultType]::ParameterName, 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'SQS queue the bucket''s upload notifications go to [default: <bucket>-uploads]')
            [CompletionResult]::new('--collection', '--collection', [CompletionResultType]::ParameterName, 'Rekognition collection id [default: facectl]')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'DynamoDB table [default: facectl-faces]')
            [CompletionResult]::new('--tps', '--tps', [CompletionResultType]::ParameterName, 'Client-side limit on Rekognition calls per second [default: 5]')
            [CompletionResult]::new('--hash-key', '--hash-key', [CompletionResultType]::ParameterName, 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)')
            [CompletionResult]::new('--name-attr', '--name-attr', [CompletionResultType]::ParameterName, 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)')
            [CompletionResult]::new('--largest', '--largest', [CompletionResultType]::ParameterName, 'Search only the largest face')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never show progress bars (they are hidden anyway when stderr is not a terminal)')
            [CompletionResult]::new('--force-path-style', '--force-path-style', [CompletionResultType]::ParameterName, 'Path-style S3 addressing (for S3-compatible servers)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'facectl;verify' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Person''s name (must be unique)')
            [CompletionResult]::new('--person-id', '--person-id', [CompletionResultType]::ParameterName, 'person-id')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'Minimum similarity 0-100 (default 80)')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Backend to use')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Local backend data folder (images, database, models)')
            [CompletionResult]::new('--model-dir', '--model-dir', [CompletionResultType]::ParameterName, 'Folder with the ONNX face models')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile (else AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (else AWS_REGION or the profile''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for every AWS service (S3-compatible or local servers)')
            [CompletionResult]::new('--s3-endpoint-url', '--s3-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)')
            [CompletionResult]::new('--rekognition-endpoint-url', '--rekognition-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)')
            [CompletionResult]::new('--dynamodb-endpoint-url', '--dynamodb-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)')
            [CompletionResult]::new('--bucket', '--bucket', [CompletionResultType]::ParameterName, 'S3 bucket for images')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix for images in the bucket [default: faces/]')
            [CompletionResult]::new('--upload-prefix', '--upload-prefix', [CompletionResultType]::ParameterName, 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'SQS queue the bucket''s upload notifications go to [default: <bucket>-uploads]')
            [CompletionResult]::new('--collection', '--collection', [CompletionResultType]::ParameterName, 'Rekognition collection id [default: facectl]')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'DynamoDB table [default: facectl-faces]')
            [CompletionResult]::new('--tps', '--tps', [CompletionResultType]::ParameterName, 'Client-side limit on Rekognition calls per second [default: 5]')
            [CompletionResult]::new('--hash-key', '--hash-key', [CompletionResultType]::ParameterName, 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)')
            [CompletionResult]::new('--name-attr', '--name-attr', [CompletionResultType]::ParameterName, 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never show progress bars (they are hidden anyway when stderr is not a terminal)')
            [CompletionResult]::new('--force-path-style', '--force-path-style', [CompletionResultType]::ParameterName, 'Path-style S3 addressing (for S3-compatible servers)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'facectl;compare' {
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'Minimum similarity 0-100 (default 80)')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Backend to use')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Local backend data folder (images, database, models)')
            [CompletionResult]::new('--model-dir', '--model-dir', [CompletionResultType]::ParameterName, 'Folder with the ONNX face models')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile (else AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (else AWS_REGION or the profile''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for every AWS service (S3-compatible or local servers)')
            [CompletionResult]::new('--s3-endpoint-url', '--s3-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)')
            [CompletionResult]::new('--rekognition-endpoint-url', '--rekognition-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)')
            [CompletionResult]::new('--dynamodb-endpoint-url', '--dynamodb-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)')
            [CompletionResult]::new('--bucket', '--bucket', [CompletionResultType]::ParameterName, 'S3 bucket for images')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix for images in the bucket [default: faces/]')
            [CompletionResult]::new('--upload-prefix', '--upload-prefix', [CompletionResultType]::ParameterName, 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'SQS queue the bucket''s upload notifications go to [default: <bucket>-uploads]')
            [CompletionResult]::new('--collection', '--collection', [CompletionResultType]::ParameterName, 'Rekognition collection id [default: facectl]')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'DynamoDB table [default: facectl-faces]')
            [CompletionResult]::new('--tps', '--tps', [CompletionResultType]::ParameterName, 'Client-side limit on Rekognition calls per second [default: 5]')
            [CompletionResult]::new('--hash-key', '--hash-key', [CompletionResultType]::ParameterName, 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)')
            [CompletionResult]::new('--name-attr', '--name-attr', [CompletionResultType]::ParameterName, 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never show progress bars (they are hidden anyway when stderr is not a terminal)')
            [CompletionResult]::new('--force-path-style', '--force-path-style', [CompletionResultType]::ParameterName, 'Path-style S3 addressing (for S3-compatible servers)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'facectl;delete' {
            [CompletionResult]::new('--person', '--person', [CompletionResultType]::ParameterName, 'Person by name: all their faces and images')
            [CompletionResult]::new('--person-id', '--person-id', [CompletionResultType]::ParameterName, 'Person by id')
            [CompletionResult]::new('--face', '--face', [CompletionResultType]::ParameterName, 'One face by id')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'One image by content hash, stored key or local file')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Backend to use')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Local backend data folder (images, database, models)')
            [CompletionResult]::new('--model-dir', '--model-dir', [CompletionResultType]::ParameterName, 'Folder with the ONNX face models')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile (else AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (else AWS_REGION or the profile''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for every AWS service (S3-compatible or local servers)')
            [CompletionResult]::new('--s3-endpoint-url', '--s3-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)')
            [CompletionResult]::new('--rekognition-endpoint-url', '--rekognition-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)')
            [CompletionResult]::new('--dynamodb-endpoint-url', '--dynamodb-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)')
            [CompletionResult]::new('--bucket', '--bucket', [CompletionResultType]::ParameterName, 'S3 bucket for images')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix for images in the bucket [default: faces/]')
            [CompletionResult]::new('--upload-prefix', '--upload-prefix', [CompletionResultType]::ParameterName, 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'SQS queue the bucket''s upload notifications go to [default: <bucket>-uploads]')
            [CompletionResult]::new('--collection', '--collection', [CompletionResultType]::ParameterName, 'Rekognition collection id [default: facectl]')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'DynamoDB table [default: facectl-faces]')
            [CompletionResult]::new('--tps', '--tps', [CompletionResultType]::ParameterName, 'Client-side limit on Rekognition calls per second [default: 5]')
            [CompletionResult]::new('--hash-key', '--hash-key', [CompletionResultType]::ParameterName, 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)')
            [CompletionResult]::new('--name-attr', '--name-attr', [CompletionResultType]::ParameterName, 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'List what would be deleted, delete nothing')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never show progress bars (they are hidden anyway when stderr is not a terminal)')
            [CompletionResult]::new('--force-path-style', '--force-path-style', [CompletionResultType]::ParameterName, 'Path-style S3 addressing (for S3-compatible servers)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'facectl;list' {
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Backend to use')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Local backend data folder (images, database, models)')
            [CompletionResult]::new('--model-dir', '--model-dir', [CompletionResultType]::ParameterName, 'Folder with the ONNX face models')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile (else AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (else AWS_REGION or the profile''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for every AWS service (S3-compatible or local servers)')
            [CompletionResult]::new('--s3-endpoint-url', '--s3-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)')
            [CompletionResult]::new('--rekognition-endpoint-url', '--rekognition-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)')
            [CompletionResult]::new('--dynamodb-endpoint-url', '--dynamodb-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)')
            [CompletionResult]::new('--bucket', '--bucket', [CompletionResultType]::ParameterName, 'S3 bucket for images')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix for images in the bucket [default: faces/]')
            [CompletionResult]::new('--upload-prefix', '--upload-prefix', [CompletionResultType]::ParameterName, 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'SQS queue the bucket''s upload notifications go to [default: <bucket>-uploads]')
            [CompletionResult]::new('--collection', '--collection', [CompletionResultType]::ParameterName, 'Rekognition collection id [default: facectl]')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'DynamoDB table [default: facectl-faces]')
            [CompletionResult]::new('--tps', '--tps', [CompletionResultType]::ParameterName, 'Client-side limit on Rekognition calls per second [default: 5]')
            [CompletionResult]::new('--hash-key', '--hash-key', [CompletionResultType]::ParameterName, 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)')
            [CompletionResult]::new('--name-attr', '--name-attr', [CompletionResultType]::ParameterName, 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never show progress bars (they are hidden anyway when stderr is not a terminal)')
            [CompletionResult]::new('--force-path-style', '--force-path-style', [CompletionResultType]::ParameterName, 'Path-style S3 addressing (for S3-compatible servers)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('persons', 'persons', [CompletionResultType]::ParameterValue, 'Enrolled persons with face and image counts')
            [CompletionResult]::new('faces', 'faces', [CompletionResultType]::ParameterValue, 'Enrolled faces')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'facectl;list;persons' {
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Backend to use')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Local backend data folder (images, database, models)')
            [CompletionResult]::new('--model-dir', '--model-dir', [CompletionResultType]::ParameterName, 'Folder with the ONNX face models')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile (else AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (else AWS_REGION or the profile''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for every AWS service (S3-compatible or local servers)')
            [CompletionResult]::new('--s3-endpoint-url', '--s3-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)')
            [CompletionResult]::new('--rekognition-endpoint-url', '--rekognition-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)')
            [CompletionResult]::new('--dynamodb-endpoint-url', '--dynamodb-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)')
            [CompletionResult]::new('--bucket', '--bucket', [CompletionResultType]::ParameterName, 'S3 bucket for images')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix for images in the bucket [default: faces/]')
            [CompletionResult]::new('--upload-prefix', '--upload-prefix', [CompletionResultType]::ParameterName, 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'SQS queue the bucket''s upload notifications go to [default: <bucket>-uploads]')
            [CompletionResult]::new('--collection', '--collection', [CompletionResultType]::ParameterName, 'Rekognition collection id [default: facectl]')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'DynamoDB table [default: facectl-faces]')
            [CompletionResult]::new('--tps', '--tps', [CompletionResultType]::ParameterName, 'Client-side limit on Rekognition calls per second [default: 5]')
            [CompletionResult]::new('--hash-key', '--hash-key', [CompletionResultType]::ParameterName, 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)')
            [CompletionResult]::new('--name-attr', '--name-attr', [CompletionResultType]::ParameterName, 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never show progress bars (they are hidden anyway when stderr is not a terminal)')
            [CompletionResult]::new('--force-path-style', '--force-path-style', [CompletionResultType]::ParameterName, 'Path-style S3 addressing (for S3-compatible servers)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'facectl;list;faces' {
            [CompletionResult]::new('--person-id', '--person-id', [CompletionResultType]::ParameterName, 'Only this person''s faces (by id)')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Backend to use')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Local backend data folder (images, database, models)')
            [CompletionResult]::new('--model-dir', '--model-dir', [CompletionResultType]::ParameterName, 'Folder with the ONNX face models')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile (else AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (else AWS_REGION or the profile''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for every AWS service (S3-compatible or local servers)')
            [CompletionResult]::new('--s3-endpoint-url', '--s3-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)')
            [CompletionResult]::new('--rekognition-endpoint-url', '--rekognition-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)')
            [CompletionResult]::new('--dynamodb-endpoint-url', '--dynamodb-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)')
            [CompletionResult]::new('--bucket', '--bucket', [CompletionResultType]::ParameterName, 'S3 bucket for images')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix for images in the bucket [default: faces/]')
            [CompletionResult]::new('--upload-prefix', '--upload-prefix', [CompletionResultType]::ParameterName, 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'SQS queue the bucket''s upload notifications go to [default: <bucket>-uploads]')
            [CompletionResult]::new('--collection', '--collection', [CompletionResultType]::ParameterName, 'Rekognition collection id [default: facectl]')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'DynamoDB table [default: facectl-faces]')
            [CompletionResult]::new('--tps', '--tps', [CompletionResultType]::ParameterName, 'Client-side limit on Rekognition calls per second [default: 5]')
            [CompletionResult]::new('--hash-key', '--hash-key', [CompletionResultType]::ParameterName, 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)')
            [CompletionResult]::new('--name-attr', '--name-attr', [CompletionResultType]::ParameterName, 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never show progress bars (they are hidden anyway when stderr is not a terminal)')
            [CompletionResult]::new('--force-path-style', '--force-path-style', [CompletionResultType]::ParameterName, 'Path-style S3 addressing (for S3-compatible servers)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'facectl;list;help' {
            [CompletionResult]::new('persons', 'persons', [CompletionResultType]::ParameterValue, 'Enrolled persons with face and image counts')
            [CompletionResult]::new('faces', 'faces', [CompletionResultType]::ParameterValue, 'Enrolled faces')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'facectl;list;help;persons' {
            break
        }
        'facectl;list;help;faces' {
            break
        }
        'facectl;list;help;help' {
            break
        }
        'facectl;status' {
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Backend to use')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Local backend data folder (images, database, models)')
            [CompletionResult]::new('--model-dir', '--model-dir', [CompletionResultType]::ParameterName, 'Folder with the ONNX face models')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile (else AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (else AWS_REGION or the profile''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for every AWS service (S3-compatible or local servers)')
            [CompletionResult]::new('--s3-endpoint-url', '--s3-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)')
            [CompletionResult]::new('--rekognition-endpoint-url', '--rekognition-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)')
            [CompletionResult]::new('--dynamodb-endpoint-url', '--dynamodb-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)')
            [CompletionResult]::new('--bucket', '--bucket', [CompletionResultType]::ParameterName, 'S3 bucket for images')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix for images in the bucket [default: faces/]')
            [CompletionResult]::new('--upload-prefix', '--upload-prefix', [CompletionResultType]::ParameterName, 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'SQS queue the bucket''s upload notifications go to [default: <bucket>-uploads]')
            [CompletionResult]::new('--collection', '--collection', [CompletionResultType]::ParameterName, 'Rekognition collection id [default: facectl]')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'DynamoDB table [default: facectl-faces]')
            [CompletionResult]::new('--tps', '--tps', [CompletionResultType]::ParameterName, 'Client-side limit on Rekognition calls per second [default: 5]')
            [CompletionResult]::new('--hash-key', '--hash-key', [CompletionResultType]::ParameterName, 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)')
            [CompletionResult]::new('--name-attr', '--name-attr', [CompletionResultType]::ParameterName, 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never show progress bars (they are hidden anyway when stderr is not a terminal)')
            [CompletionResult]::new('--force-path-style', '--force-path-style', [CompletionResultType]::ParameterName, 'Path-style S3 addressing (for S3-compatible servers)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'facectl;doctor' {
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Backend to use')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Local backend data folder (images, database, models)')
            [CompletionResult]::new('--model-dir', '--model-dir', [CompletionResultType]::ParameterName, 'Folder with the ONNX face models')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile (else AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (else AWS_REGION or the profile''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for every AWS service (S3-compatible or local servers)')
            [CompletionResult]::new('--s3-endpoint-url', '--s3-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)')
            [CompletionResult]::new('--rekognition-endpoint-url', '--rekognition-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)')
            [CompletionResult]::new('--dynamodb-endpoint-url', '--dynamodb-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)')
            [CompletionResult]::new('--bucket', '--bucket', [CompletionResultType]::ParameterName, 'S3 bucket for images')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix for images in the bucket [default: faces/]')
            [CompletionResult]::new('--upload-prefix', '--upload-prefix', [CompletionResultType]::ParameterName, 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'SQS queue the bucket''s upload notifications go to [default: <bucket>-uploads]')
            [CompletionResult]::new('--collection', '--collection', [CompletionResultType]::ParameterName, 'Rekognition collection id [default: facectl]')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'DynamoDB table [default: facectl-faces]')
            [CompletionResult]::new('--tps', '--tps', [CompletionResultType]::ParameterName, 'Client-side limit on Rekognition calls per second [default: 5]')
            [CompletionResult]::new('--hash-key', '--hash-key', [CompletionResultType]::ParameterName, 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)')
            [CompletionResult]::new('--name-attr', '--name-attr', [CompletionResultType]::ParameterName, 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)')
            [CompletionResult]::new('--fix', '--fix', [CompletionResultType]::ParameterName, 'Repair what was found')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never show progress bars (they are hidden anyway when stderr is not a terminal)')
            [CompletionResult]::new('--force-path-style', '--force-path-style', [CompletionResultType]::ParameterName, 'Path-style S3 addressing (for S3-compatible servers)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'facectl;models' {
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Backend to use')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Local backend data folder (images, database, models)')
            [CompletionResult]::new('--model-dir', '--model-dir', [CompletionResultType]::ParameterName, 'Folder with the ONNX face models')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile (else AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (else AWS_REGION or the profile''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for every AWS service (S3-compatible or local servers)')
            [CompletionResult]::new('--s3-endpoint-url', '--s3-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)')
            [CompletionResult]::new('--rekognition-endpoint-url', '--rekognition-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)')
            [CompletionResult]::new('--dynamodb-endpoint-url', '--dynamodb-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)')
            [CompletionResult]::new('--bucket', '--bucket', [CompletionResultType]::ParameterName, 'S3 bucket for images')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix for images in the bucket [default: faces/]')
            [CompletionResult]::new('--upload-prefix', '--upload-prefix', [CompletionResultType]::ParameterName, 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'SQS queue the bucket''s upload notifications go to [default: <bucket>-uploads]')
            [CompletionResult]::new('--collection', '--collection', [CompletionResultType]::ParameterName, 'Rekognition collection id [default: facectl]')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'DynamoDB table [default: facectl-faces]')
            [CompletionResult]::new('--tps', '--tps', [CompletionResultType]::ParameterName, 'Client-side limit on Rekognition calls per second [default: 5]')
            [CompletionResult]::new('--hash-key', '--hash-key', [CompletionResultType]::ParameterName, 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)')
            [CompletionResult]::new('--name-attr', '--name-attr', [CompletionResultType]::ParameterName, 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never show progress bars (they are hidden anyway when stderr is not a terminal)')
            [CompletionResult]::new('--force-path-style', '--force-path-style', [CompletionResultType]::ParameterName, 'Path-style S3 addressing (for S3-compatible servers)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Download the models from their official URLs (SHA-256 checked) into the model folder')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check the models in the model folder load')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'facectl;models;install' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Import from a local file or folder instead of downloading')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Download from this base URL instead of the official ones (mirrors, tests)')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Backend to use')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Local backend data folder (images, database, models)')
            [CompletionResult]::new('--model-dir', '--model-dir', [CompletionResultType]::ParameterName, 'Folder with the ONNX face models')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile (else AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (else AWS_REGION or the profile''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for every AWS service (S3-compatible or local servers)')
            [CompletionResult]::new('--s3-endpoint-url', '--s3-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)')
            [CompletionResult]::new('--rekognition-endpoint-url', '--rekognition-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)')
            [CompletionResult]::new('--dynamodb-endpoint-url', '--dynamodb-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)')
            [CompletionResult]::new('--bucket', '--bucket', [CompletionResultType]::ParameterName, 'S3 bucket for images')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix for images in the bucket [default: faces/]')
            [CompletionResult]::new('--upload-prefix', '--upload-prefix', [CompletionResultType]::ParameterName, 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'SQS queue the bucket''s upload notifications go to [default: <bucket>-uploads]')
            [CompletionResult]::new('--collection', '--collection', [CompletionResultType]::ParameterName, 'Rekognition collection id [default: facectl]')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'DynamoDB table [default: facectl-faces]')
            [CompletionResult]::new('--tps', '--tps', [CompletionResultType]::ParameterName, 'Client-side limit on Rekognition calls per second [default: 5]')
            [CompletionResult]::new('--hash-key', '--hash-key', [CompletionResultType]::ParameterName, 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)')
            [CompletionResult]::new('--name-attr', '--name-attr', [CompletionResultType]::ParameterName, 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never show progress bars (they are hidden anyway when stderr is not a terminal)')
            [CompletionResult]::new('--force-path-style', '--force-path-style', [CompletionResultType]::ParameterName, 'Path-style S3 addressing (for S3-compatible servers)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'facectl;models;check' {
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Backend to use')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Local backend data folder (images, database, models)')
            [CompletionResult]::new('--model-dir', '--model-dir', [CompletionResultType]::ParameterName, 'Folder with the ONNX face models')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile (else AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (else AWS_REGION or the profile''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for every AWS service (S3-compatible or local servers)')
            [CompletionResult]::new('--s3-endpoint-url', '--s3-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)')
            [CompletionResult]::new('--rekognition-endpoint-url', '--rekognition-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)')
            [CompletionResult]::new('--dynamodb-endpoint-url', '--dynamodb-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)')
            [CompletionResult]::new('--bucket', '--bucket', [CompletionResultType]::ParameterName, 'S3 bucket for images')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix for images in the bucket [default: faces/]')
            [CompletionResult]::new('--upload-prefix', '--upload-prefix', [CompletionResultType]::ParameterName, 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'SQS queue the bucket''s upload notifications go to [default: <bucket>-uploads]')
            [CompletionResult]::new('--collection', '--collection', [CompletionResultType]::ParameterName, 'Rekognition collection id [default: facectl]')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'DynamoDB table [default: facectl-faces]')
            [CompletionResult]::new('--tps', '--tps', [CompletionResultType]::ParameterName, 'Client-side limit on Rekognition calls per second [default: 5]')
            [CompletionResult]::new('--hash-key', '--hash-key', [CompletionResultType]::ParameterName, 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)')
            [CompletionResult]::new('--name-attr', '--name-attr', [CompletionResultType]::ParameterName, 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never show progress bars (they are hidden anyway when stderr is not a terminal)')
            [CompletionResult]::new('--force-path-style', '--force-path-style', [CompletionResultType]::ParameterName, 'Path-style S3 addressing (for S3-compatible servers)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'facectl;models;help' {
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Download the models from their official URLs (SHA-256 checked) into the model folder')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check the models in the model folder load')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'facectl;models;help;install' {
            break
        }
        'facectl;models;help;check' {
            break
        }
        'facectl;models;help;help' {
            break
        }
        'facectl;serve' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to listen on (loopback by default; port 0 picks a free port)')
            [CompletionResult]::new('--latency-ms', '--latency-ms', [CompletionResultType]::ParameterName, 'Delay added to every request, in milliseconds (for tests and benchmarks)')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Account id in collection ARNs')
            [CompletionResult]::new('--workers', '--workers', [CompletionResultType]::ParameterName, 'Concurrent face-engine computations [default: number of CPUs]')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Access token for the web console and the REST API (also FACECTL_SERVE_TOKEN). Required beyond loopback: when `--listen` is not a loopback address and none is given, one is generated and printed once')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Backend to use')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Local backend data folder (images, database, models)')
            [CompletionResult]::new('--model-dir', '--model-dir', [CompletionResultType]::ParameterName, 'Folder with the ONNX face models')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile (else AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (else AWS_REGION or the profile''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for every AWS service (S3-compatible or local servers)')
            [CompletionResult]::new('--s3-endpoint-url', '--s3-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)')
            [CompletionResult]::new('--rekognition-endpoint-url', '--rekognition-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)')
            [CompletionResult]::new('--dynamodb-endpoint-url', '--dynamodb-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)')
            [CompletionResult]::new('--bucket', '--bucket', [CompletionResultType]::ParameterName, 'S3 bucket for images')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix for images in the bucket [default: faces/]')
            [CompletionResult]::new('--upload-prefix', '--upload-prefix', [CompletionResultType]::ParameterName, 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'SQS queue the bucket''s upload notifications go to [default: <bucket>-uploads]')
            [CompletionResult]::new('--collection', '--collection', [CompletionResultType]::ParameterName, 'Rekognition collection id [default: facectl]')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'DynamoDB table [default: facectl-faces]')
            [CompletionResult]::new('--tps', '--tps', [CompletionResultType]::ParameterName, 'Client-side limit on Rekognition calls per second [default: 5]')
            [CompletionResult]::new('--hash-key', '--hash-key', [CompletionResultType]::ParameterName, 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)')
            [CompletionResult]::new('--name-attr', '--name-attr', [CompletionResultType]::ParameterName, 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)')
            [CompletionResult]::new('--in-memory', '--in-memory', [CompletionResultType]::ParameterName, 'Keep collections in memory only (nothing written to the data dir; the console''s local data goes to a temporary folder removed at exit)')
            [CompletionResult]::new('--require-signature', '--require-signature', [CompletionResultType]::ParameterName, 'Verify SigV4 signatures with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (else any signature, or none, is accepted)')
            [CompletionResult]::new('--allow-unsigned-payload', '--allow-unsigned-payload', [CompletionResultType]::ParameterName, 'With --require-signature, also accept `X-Amz-Content-SHA256: UNSIGNED-PAYLOAD` (a request body the signature does not cover). Off by default')
            [CompletionResult]::new('--no-web', '--no-web', [CompletionResultType]::ParameterName, 'Serve only the Rekognition-compatible endpoint (no web console, no REST API)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never show progress bars (they are hidden anyway when stderr is not a terminal)')
            [CompletionResult]::new('--force-path-style', '--force-path-style', [CompletionResultType]::ParameterName, 'Path-style S3 addressing (for S3-compatible servers)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'facectl;completions' {
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Backend to use')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Local backend data folder (images, database, models)')
            [CompletionResult]::new('--model-dir', '--model-dir', [CompletionResultType]::ParameterName, 'Folder with the ONNX face models')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile (else AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (else AWS_REGION or the profile''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for every AWS service (S3-compatible or local servers)')
            [CompletionResult]::new('--s3-endpoint-url', '--s3-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)')
            [CompletionResult]::new('--rekognition-endpoint-url', '--rekognition-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)')
            [CompletionResult]::new('--dynamodb-endpoint-url', '--dynamodb-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)')
            [CompletionResult]::new('--bucket', '--bucket', [CompletionResultType]::ParameterName, 'S3 bucket for images')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix for images in the bucket [default: faces/]')
            [CompletionResult]::new('--upload-prefix', '--upload-prefix', [CompletionResultType]::ParameterName, 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'SQS queue the bucket''s upload notifications go to [default: <bucket>-uploads]')
            [CompletionResult]::new('--collection', '--collection', [CompletionResultType]::ParameterName, 'Rekognition collection id [default: facectl]')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'DynamoDB table [default: facectl-faces]')
            [CompletionResult]::new('--tps', '--tps', [CompletionResultType]::ParameterName, 'Client-side limit on Rekognition calls per second [default: 5]')
            [CompletionResult]::new('--hash-key', '--hash-key', [CompletionResultType]::ParameterName, 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)')
            [CompletionResult]::new('--name-attr', '--name-attr', [CompletionResultType]::ParameterName, 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never show progress bars (they are hidden anyway when stderr is not a terminal)')
            [CompletionResult]::new('--force-path-style', '--force-path-style', [CompletionResultType]::ParameterName, 'Path-style S3 addressing (for S3-compatible servers)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'facectl;manpage' {
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Backend to use')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Local backend data folder (images, database, models)')
            [CompletionResult]::new('--model-dir', '--model-dir', [CompletionResultType]::ParameterName, 'Folder with the ONNX face models')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format for results on stdout')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile (else AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (else AWS_REGION or the profile''s)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for every AWS service (S3-compatible or local servers)')
            [CompletionResult]::new('--s3-endpoint-url', '--s3-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for S3 only (overrides --endpoint-url; else AWS_ENDPOINT_URL_S3)')
            [CompletionResult]::new('--rekognition-endpoint-url', '--rekognition-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for Rekognition only (e.g. `facectl serve`; else AWS_ENDPOINT_URL_REKOGNITION)')
            [CompletionResult]::new('--dynamodb-endpoint-url', '--dynamodb-endpoint-url', [CompletionResultType]::ParameterName, 'Endpoint for DynamoDB only (else AWS_ENDPOINT_URL_DYNAMODB)')
            [CompletionResult]::new('--bucket', '--bucket', [CompletionResultType]::ParameterName, 'S3 bucket for images')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix for images in the bucket [default: faces/]')
            [CompletionResult]::new('--upload-prefix', '--upload-prefix', [CompletionResultType]::ParameterName, 'Key prefix uploads arrive under, for `provision --trigger` and `watch` [default: uploads/]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'SQS queue the bucket''s upload notifications go to [default: <bucket>-uploads]')
            [CompletionResult]::new('--collection', '--collection', [CompletionResultType]::ParameterName, 'Rekognition collection id [default: facectl]')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'DynamoDB table [default: facectl-faces]')
            [CompletionResult]::new('--tps', '--tps', [CompletionResultType]::ParameterName, 'Client-side limit on Rekognition calls per second [default: 5]')
            [CompletionResult]::new('--hash-key', '--hash-key', [CompletionResultType]::ParameterName, 'Hash key attribute of an existing table (FaceId, faceId, RekognitionId...)')
            [CompletionResult]::new('--name-attr', '--name-attr', [CompletionResultType]::ParameterName, 'Name attribute(s) of an existing table, repeatable (FullName, or first_name + last_name)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print results and errors (no progress, no warnings)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never show progress bars (they are hidden anyway when stderr is not a terminal)')
            [CompletionResult]::new('--force-path-style', '--force-path-style', [CompletionResultType]::ParameterName, 'Path-style S3 addressing (for S3-compatible servers)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'facectl;help' {
            [CompletionResult]::new('provision', 'provision', [CompletionResultType]::ParameterValue, 'Create the image store, face collection and person table (idempotent)')
            [CompletionResult]::new('enroll', 'enroll', [CompletionResultType]::ParameterValue, 'Index a person''s face from one or more photos')
            [CompletionResult]::new('bulk-import', 'bulk-import', [CompletionResultType]::ParameterValue, 'Import a folder of photos; persons from folder names, file names or a CSV')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Import photos as they land in a folder (new and changed files, once each)')
            [CompletionResult]::new('search', 'search', [CompletionResultType]::ParameterValue, 'Find who is in a photo')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check whether a photo shows a given enrolled person (1:1)')
            [CompletionResult]::new('compare', 'compare', [CompletionResultType]::ParameterValue, 'Check whether two photos show the same person')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Forget a person, a face or an image everywhere (collection, table, image store)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List enrolled persons or faces')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show counts, locations, model and sizes')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Find and repair disagreements between collection, table and image store')
            [CompletionResult]::new('models', 'models', [CompletionResultType]::ParameterValue, 'Install or check the face models')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run a local Rekognition-compatible endpoint (AWS JSON 1.1) over the offline engine')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('manpage', 'manpage', [CompletionResultType]::ParameterValue, 'Print the man page (roff)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'facectl;help;provision' {
            break
        }
        'facectl;help;enroll' {
            break
        }
        'facectl;help;bulk-import' {
            break
        }
        'facectl;help;watch' {
            break
        }
        'facectl;help;search' {
            break
        }
        'facectl;help;verify' {
            break
        }
        'facectl;help;compare' {
            break
        }
        'facectl;help;delete' {
            break
        }
        'facectl;help;list' {
            [CompletionResult]::new('persons', 'persons', [CompletionResultType]::ParameterValue, 'Enrolled persons with face and image counts')
            [CompletionResult]::new('faces', 'faces', [CompletionResultType]::ParameterValue, 'Enrolled faces')
            break
        }
        'facectl;help;list;persons' {
            break
        }
        'facectl;help;list;faces' {
            break
        }
        'facectl;help;status' {
            break
        }
        'facectl;help;doctor' {
            break
        }
        'facectl;help;models' {
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Download the models from their official URLs (SHA-256 checked) into the model folder')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check the models in the model folder load')
            break
        }
        'facectl;help;models;install' {
            break
        }
        'facectl;help;models;check' {
            break
        }
        'facectl;help;serve' {
            break
        }
        'facectl;help;completions' {
            break
        }
        'facectl;help;manpage' {
            break
        }
        'facectl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
