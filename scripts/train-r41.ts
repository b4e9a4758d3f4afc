// Regenerates src/domain/r41-model.ts from the training set. Deterministic: run it twice, get the same file.
import { isUnlawful, trainModel } from '../src/domain/r41-classifier.ts';
import { loadTraining, MODEL_FILE, writeModelFile } from './r41-data.ts';

const rows = loadTraining();
const model = trainModel(rows);
writeModelFile(model);
const unlawful = rows.filter(isUnlawful).length;
process.stdout.write(`Trained on ${rows.length} sentences (${unlawful} unlawful, ${rows.length - unlawful} lawful); `
  + `${Object.keys(model.unlawful.weights).length} weights in the unlawful model. Wrote ${MODEL_FILE}.\n`);
