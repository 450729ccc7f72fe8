/*
 * What only a process that runs turns (ROLE=worker or all) needs: the dialog engine and what it is built
 * from. bot/app.ts imports this module only in such a process: botbuilder-dialogs (with Microsoft's text
 * recognizers), the classifier, the knowledge base and the LLM guard are most of a process's memory, and a
 * web process never runs a turn. In dist/ this is a chunk of its own (build.ts splits at dynamic imports).
 */
export { createLearningClassifier } from './learning-classifier';
export { createCitizenBot } from '../dialogs/citizen-bot';
export { createKnowledge } from '../dialogs/knowledge/create-knowledge';
export { createUnderstanding } from '../dialogs/understand/create-understanding';
export { speechToTextFromConfig } from '../dialogs/understand/speech-to-text';
export { apologyFor } from '../dialogs/apology';
export { CITIZEN_ID, citizenIdOf, HOLD } from '../dialogs/turn-keys';
// From their own files, not llm-safety/index: that loads the guard and with it LangChain, which only a
// configured model needs (and then loads itself, see dialogs/classify/create-classifier.ts).
export { installLlmSafety } from '../dialogs/llm-safety/process-safety';
export { RedisCallLimiter } from '../dialogs/llm-safety/call-limiter';
export { withCitizen } from '../dialogs/llm-safety/citizen-scope';
export { startTurnWorker } from '../turns/turn-worker';
export { QueueAdapter } from '../turns/queue-adapter';
export { RedisStorage } from '../turns/redis-storage';
export { CitizenDirectory } from '../turns/citizen-directory';
// Calendar files and reminders are made in turns only (the store: bot/appointments-from-config.ts, loaded lazily).
export { appointmentCalendarFile } from './appointment-calendar-file';
export { AppointmentReminders } from '../queues/appointment-reminders';
