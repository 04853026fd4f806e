// Test child: opens a folder and prints the first page of its image list as JSON. The bad-input
// test runs it as an unprivileged user, because root can read a chmod 000 file.
import { openProject } from '../project-service';

const folder = process.argv[2];
const project = await openProject(folder);
const page = await project.listImages({ offset: 0, limit: 1000 });
await project.close();
process.stdout.write(JSON.stringify(page));
