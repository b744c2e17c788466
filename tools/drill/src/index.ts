export * from './delivery';
export * from './drill';
export * from './report-markdown';
export * from './report-model';
export * from './report-schema';
export * from './report-store';
export * from './smoke';
export * from './step-recorder';
