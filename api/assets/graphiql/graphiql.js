// Starts GraphiQL on this server's /graphql, opening on a Normwatch example: the gap between
// Mexico's commitment to ICCPR Art. 17 (privacy) and its documented practice, with the chain
// behind it, and Mexico's scorecard. Loaded as a file, not inline, so that the page's
// Content-Security-Policy can forbid inline scripts.
(function () {
  'use strict';

  var EXAMPLE = [
    '# Normwatch: cited cyber norms and state practice.',
    '# Run it (Ctrl-Enter): Mexico\'s commitment to ICCPR',
    '# Art. 17 (privacy) against its documented practice,',
    '# with the evidence and sources, and its scorecard.',
    '# The schema is in the Docs panel.',
    '{',
    '  gaps(filter: { states: ["MEX"], provisions: ["iccpr-17"] }) {',
    '    nodes {',
    '      status',
    '      confidence',
    '      attribution',
    '      committedSince',
    '      explanation',
    '      contradicting {',
    '        finding',
    '        confidence',
    '        evidence { title occurredFrom sources { title publisher url } }',
    '      }',
    '      linkedRights { relation to { code title } }',
    '    }',
    '  }',
    '  scorecard(state: "MEX") {',
    '    committed',
    '    contradicted',
    '    contradictedShare',
    '    mostContradicted { provision { code title } contradicting }',
    '  }',
    '}',
    ''
  ].join('\n');

  var fetcher = GraphiQL.createFetcher({ url: '/graphql' });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: EXAMPLE,
      // A pasted bearer token stays in this tab, not in the browser's storage.
      shouldPersistHeaders: false
    })
  );
})();
