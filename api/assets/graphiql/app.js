// Starts GraphiQL against the endpoint the page names (data-endpoint, "/graphql"). A file of
// its own, never an inline script, so that `Content-Security-Policy: script-src 'self'` holds.
// React, ReactDOM and GraphiQL are the UMD globals of the scripts before this one.
'use strict';

(function () {
  var container = document.getElementById('graphiql');
  var fetcher = GraphiQL.createFetcher({
    url: container.dataset.endpoint,
    // The server answers application/json; it does not stream multipart/mixed.
    enableIncrementalDelivery: false,
  });
  ReactDOM.createRoot(container).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
    })
  );
})();
