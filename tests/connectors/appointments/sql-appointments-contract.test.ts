import { SqlAppointments } from '../../../connectors/appointments/sql-appointments';
import { DIALECTS } from '../../bot/sql/test-databases';
import { appointmentsConnectorContract } from '../../contracts/appointments-connector.contract';
import { testAppointments } from './appointments-catalog';

for (const { dialect, open } of DIALECTS) {
  appointmentsConnectorContract(`SqlAppointments on ${dialect}`, async (clock) => {
    const t = await open();
    return { connector: new SqlAppointments(t.db, testAppointments(), { clock }), cleanup: t.drop };
  });
}
