/** As-you-type formatting for card fields; the validators accept the formatted values unchanged. */

export function formatCardNumberInput(value) {
  const digits = String(value).replace(/\D/g, '').slice(0, 19);
  return digits.replace(/(\d{4})(?=\d)/g, '$1 ');
}

export function formatExpiryInput(value) {
  let text = String(value);
  // "1/" means January: pad it so the digits that follow land in the year.
  const singleDigitMonth = /^(\d)\s*\/(.*)$/.exec(text);
  if (singleDigitMonth) text = `0${singleDigitMonth[1]}/${singleDigitMonth[2]}`;
  const digits = text.replace(/\D/g, '').slice(0, 4);
  if (digits.length > 2) return `${digits.slice(0, 2)}/${digits.slice(2)}`;
  if (digits.length === 2 && /\//.test(text)) return `${digits}/`;
  return digits;
}

/**
 * Reformats an input in place while keeping the caret after the same number of digits, so editing
 * in the middle of a card number does not throw the caret to the end.
 */
export function reformatInput(input, format) {
  const caret = input.selectionStart ?? input.value.length;
  const digitsBeforeCaret = input.value.slice(0, caret).replace(/\D/g, '').length;
  const formatted = format(input.value);
  if (formatted === input.value) return;
  input.value = formatted;
  let position = 0;
  let seen = 0;
  while (position < formatted.length && seen < digitsBeforeCaret) {
    if (/\d/.test(formatted[position])) seen += 1;
    position += 1;
  }
  if (document.activeElement === input) input.setSelectionRange(position, position);
}
