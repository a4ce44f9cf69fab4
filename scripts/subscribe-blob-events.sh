#!/bin/sh
# azd postdeploy hook: creates (or updates) the Event Grid subscription that delivers BlobCreated events under
# container `raw` to the IngestRawBlob function (infra/blob-events.bicep). It runs after the code is deployed
# because the Functions host creates the webhook's `blobs_extension` key when it first starts. The key is read
# inside the ARM deployment (listKeys); this script never sees or prints it.
set -eu

: "${AZURE_RESOURCE_GROUP:?run through azd (azd up / azd deploy), which sets the provisioning outputs}"
: "${AZURE_FUNCTION_APP_NAME:?}"
: "${AZURE_EVENTGRID_SYSTEM_TOPIC_NAME:?}"
: "${AZURE_STORAGE_ACCOUNT_NAME:?}"
: "${AZURE_MANAGED_IDENTITY_NAME:?}"
raw_container="${CLOUDXPCS_RAW_CONTAINER:-raw}"
dead_letter_container="${CLOUDXPCS_DEADLETTER_CONTAINER:-deadletter}"

if ! command -v az >/dev/null 2>&1; then
  echo "error: the Azure CLI (az) is needed to subscribe the function to blob events" >&2
  exit 1
fi

cd "$(dirname "$0")/.."
attempt=1
max_attempts=6
# Retried: right after a deployment the host may not have started yet (no key, or the webhook's validation
# handshake fails).
until az deployment group create \
    --name cloudxpcs-blob-events \
    --resource-group "$AZURE_RESOURCE_GROUP" \
    --template-file infra/blob-events.bicep \
    --parameters functionAppName="$AZURE_FUNCTION_APP_NAME" \
                 systemTopicName="$AZURE_EVENTGRID_SYSTEM_TOPIC_NAME" \
                 storageAccountName="$AZURE_STORAGE_ACCOUNT_NAME" \
                 identityName="$AZURE_MANAGED_IDENTITY_NAME" \
                 rawContainerName="$raw_container" \
                 deadLetterContainerName="$dead_letter_container" \
    --only-show-errors --output none; do
  if [ "$attempt" -ge "$max_attempts" ]; then
    echo "error: could not subscribe $AZURE_FUNCTION_APP_NAME to blob events after $attempt attempts" >&2
    exit 1
  fi
  echo "blob-events subscription not ready (attempt $attempt of $max_attempts); retrying in 30 s" >&2
  attempt=$((attempt + 1))
  sleep 30
done
echo "Event Grid: BlobCreated under '$raw_container/' -> $AZURE_FUNCTION_APP_NAME IngestRawBlob"
