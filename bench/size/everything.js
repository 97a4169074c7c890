// Size-limit entry: everything an app gets from `socketkit` and `socketkit/react`, the inbox included.
export * from 'socketkit';
export * from 'socketkit/react';
