import type { ChosenAvailability } from '../protocol';
import { field, select } from './dom';
import { T } from './i18n';

/**
 * The top bar's availability: available or away (issue 15 part 1). Away: the bot does not count me as
 * someone online for my teams. The server keeps it and tells every console of mine (the 'availability' event).
 */
export class AvailabilitySelect {
  readonly el: HTMLLabelElement;
  private readonly control: HTMLSelectElement;

  constructor(choose: (availability: ChosenAvailability) => void) {
    this.control = select({ 'data-testid': 'availability' }, undefined,
      (['available', 'away'] as const).map((value) => ({ value, label: T.availability[value] })));
    this.control.addEventListener('change', () => choose(this.control.value as ChosenAvailability));
    this.el = field(T.availability.label, this.control, 'field inline availability');
  }

  /** What the server says I chose (on connect and when another console of mine changes it). */
  show(availability: ChosenAvailability): void {
    this.control.value = availability;
  }
}
