// English words of the app lock. Keys mirror lock.zh-CN.ts exactly.
import type { lockZhCN } from './lock.zh-CN';

export const lockEn: typeof lockZhCN = {
  pin: {
    label: 'Choose a 6-digit PIN',
    confirm: 'Enter the PIN again',
    hint: 'Gridwork asks for this PIN each time it opens and after a while without use. Remember it: a forgotten PIN means enrolling again.',
    notSixDigits: 'The PIN must be 6 digits',
    mismatch: 'The two PINs differ; enter them again',
    noKeyring: 'This device has no system keyring: the data is protected by the PIN alone',
  },
  unlock: {
    title: 'Unlock',
    intro: 'Enter your 6-digit PIN to unlock Gridwork',
    pin: 'PIN',
    submit: 'Unlock',
    working: 'Unlocking…',
    delete: 'Delete',
    wrong: 'Wrong PIN: {left} tries left',
    wait: 'Try again in {s} s',
    waitMinutes: 'Try again in {m} min {s} s',
    warnWipe: 'Careful: {left} more wrong PINs and everything on this device is erased; it will have to be enrolled again.',
    setTitle: 'Set a PIN',
    setIntro: "To protect the households' data on this device, choose a 6-digit PIN. Gridwork will ask for it when it opens.",
    setSubmit: 'Set the PIN and continue',
  },
  idle: {
    locked: 'Gridwork locked itself after a while without use',
  },
  offlineLock: {
    title: 'Please sync',
    intro: 'This device has not reached the server for {days} days (the limit is {limit}). To protect the data, only syncing and the outbox are open until a sync succeeds. Nothing is deleted for being offline.',
  },
  wiped: {
    revoked: 'The grid office withdrew this device and everything on it was erased. To go on, ask the office for a new code and enroll again.',
    wrong_pins: 'Too many wrong PINs: to protect the data, everything on this device was erased. Ask the grid office for a new code and enroll again.',
  },
};
