// Package graph implements Microsoft Graph's long-running operations: the
// asyncJobStatus monitors of driveItem copy and similar OneDrive and
// SharePoint actions, and the richLongRunningOperation (and
// teamsAsyncOperation) resources other Graph APIs return.
//
// Both start the same way: 202 Accepted with a Location header naming a
// status resource. What that resource says differs from Azure's protocols,
// which is why the default chain's Location strategy gets it wrong:
//   - The status words are Graph's: notStarted, inProgress, running, waiting
//     and updating mean in progress; completed and succeeded mean done,
//     whatever the status code (a monitor may say "completed" in a 202);
//     failed and deleteFailed are failures, carrying Graph's error code and
//     message (error.code, error.message, else statusDescription).
//   - Progress is percentageComplete.
//   - A monitor may end with 303 See Other to the item; lro follows it and
//     the item is the result. Otherwise resourceLocation (or
//     targetResourceLocation), when given, is fetched as the result, and
//     when neither is given the final status answer is the result, as the
//     service sent it (a "completed" 202 stays a 202).
//
// Where it applies: lro's default chain adds the strategy, before the
// Location strategy, for requests to Graph's own hosts (Hosts):
// graph.microsoft.com, and the hosts its monitors live on, *.sharepoint.com
// and api.onedrive.com, whose OneDrive API starts the same operations. On
// those hosts a 202 with a Location is always one of these operations, so
// reading Graph's words there is safe; on any other host the same words
// could mean something else, and the strategy applies only when added to a
// chain by hand.
//
// Credentials: a copy's monitor is on another host than the request
// (contoso-my.sharepoint.com for graph.microsoft.com) and needs no
// Authorization. lro sends it only its safe headers (docs/security.md)
// unless WithTrustedHosts names the host; the 303 back to the item on
// graph.microsoft.com carries the caller's headers again.
package graph
