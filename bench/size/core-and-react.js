// Size-limit entry: everything an app gets from `socketkit` and `socketkit/react`
// (the names resolve to dist/ through .size-limit.js).
export * from 'socketkit';
export * from 'socketkit/react';
